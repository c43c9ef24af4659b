package dev.ripple.rollout.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "rollout_flag_lock")
class FlagLockRecord extends PanacheEntityBase {
    @Id
    public String flag;
    @Column(name = "rollout_id")
    public long rolloutId;
}
