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
@Table(name = "rollout")
class RolloutRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String flag;
    @Column(name = "change_json")
    public String changeJson;
    @Column(name = "up_to_ring")
    public int upToRing;
    public String mode;
    @Column(name = "target_cells")
    public String targetCells;
    public String initiator;
    public String reason;
    public String issue;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "plan_json")
    public String planJson;
    public String state;
    public String phase;
    @Column(name = "ring_index")
    public int ringIndex;
    @Column(name = "state_reason")
    public String stateReason;
    @Column(name = "bake_until")
    public Instant bakeUntil;
    @Column(name = "next_check_at")
    public Instant nextCheckAt;
    @Column(name = "next_step_at")
    public Instant nextStepAt;
    @Column(name = "inconclusive_streak")
    public int inconclusiveStreak;
    @Column(name = "rollback_started")
    public boolean rollbackStarted;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    public long version;
    @Column(name = "lease_owner")
    public String leaseOwner;
    @Column(name = "lease_until")
    public Instant leaseUntil;
}
