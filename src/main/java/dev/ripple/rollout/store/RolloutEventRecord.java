package dev.ripple.rollout.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "rollout_event")
class RolloutEventRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "rollout_id")
    public long rolloutId;
    public Instant at;
    public String type;
    public Integer ring;
    public String cell;
    public String actor;
    public String message;
    @Column(name = "detail_json")
    public String detailJson;
}
