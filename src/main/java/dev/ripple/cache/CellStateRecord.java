package dev.ripple.cache;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "cell_state")
class CellStateRecord extends PanacheEntityBase {
    @Id
    @Column(name = "cell_id")
    public String cellId;
    @Column(name = "read_at")
    public Instant readAt;
    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;
    public boolean stale;
    public String error;
    @Column(name = "stale_since")
    public Instant staleSince;
    @Column(name = "content_hash")
    public String contentHash;
}
