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
@Table(name = "desired_gate")
@IdClass(DesiredGateRecord.Key.class)
class DesiredGateRecord extends PanacheEntityBase {
    @Id
    @Column(name = "cell_id")
    public String cellId;
    @Id
    public String flag;
    public boolean present;
    @Column(name = "gates_json")
    public String gatesJson;
    @Column(name = "rollout_id")
    public long rolloutId;
    @Column(name = "set_at")
    public Instant setAt;

    public static class Key implements Serializable {
        public String cellId;
        public String flag;

        public Key() {
        }

        public Key(String cellId, String flag) {
            this.cellId = cellId;
            this.flag = flag;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.cellId, cellId) && Objects.equals(k.flag, flag);
        }

        @Override
        public int hashCode() {
            return Objects.hash(cellId, flag);
        }
    }
}
