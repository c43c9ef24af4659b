package dev.ripple.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A stored API token: only its SHA-256 is kept, never the token. */
@Entity
@Table(name = "api_token")
class ApiTokenRecord extends PanacheEntityBase {
    @Id
    public String id;
    public String principal;
    /** Role ids joined by commas, as granted (implied roles are added when the token is used). */
    public String roles;
    @Column(name = "token_hash")
    public String tokenHash;
    public String description;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    @Column(name = "revoked_by")
    public String revokedBy;
}
