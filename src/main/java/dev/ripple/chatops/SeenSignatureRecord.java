package dev.ripple.chatops;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Slack request signature seen within the replay window. */
@Entity
@Table(name = "chat_seen_signature")
class SeenSignatureRecord {
    @Id
    public String signature;
    @Column(name = "seen_at")
    public Instant seenAt;
}
