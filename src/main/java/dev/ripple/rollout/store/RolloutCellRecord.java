package dev.ripple.rollout.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

@Entity
@Table(name = "rollout_cell")
@IdClass(RolloutCellRecord.Key.class)
class RolloutCellRecord extends PanacheEntityBase {
    @Id
    @Column(name = "rollout_id")
    public long rolloutId;
    @Id
    @Column(name = "cell_id")
    public String cellId;
    public int ring;
    public String status;
    @Column(name = "snapshot_taken")
    public boolean snapshotTaken;
    @Column(name = "snapshot_json")
    public String snapshotJson;
    @Column(name = "after_json")
    public String afterJson;
    public String error;
    public int attempts;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static class Key implements Serializable {
        public long rolloutId;
        public String cellId;

        public Key() {
        }

        public Key(long rolloutId, String cellId) {
            this.rolloutId = rolloutId;
            this.cellId = cellId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.rolloutId == rolloutId && Objects.equals(k.cellId, cellId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, cellId);
        }
    }
}
