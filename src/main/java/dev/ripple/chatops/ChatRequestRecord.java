package dev.ripple.chatops;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A chat request that must run once; {@code answer} (the reply as JSON) is null while it runs. */
@Entity
@Table(name = "chat_request")
class ChatRequestRecord {
    @Id
    @Column(name = "request_key")
    public String requestKey;
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    public String answer;
}
