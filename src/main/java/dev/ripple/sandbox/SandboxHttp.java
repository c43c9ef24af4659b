package dev.ripple.sandbox;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/** Puts the sandbox fleet on the application's own HTTP port when {@code ripple.sandbox.enabled} is true. */
@ApplicationScoped
class SandboxHttp {
    private static final Logger LOG = Logger.getLogger(SandboxHttp.class);

    @Inject
    SandboxFleet fleet;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "ripple.sandbox.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "ripple.sandbox.admin-token")
    Optional<String> adminToken;

    void init(@Observes Router router) {
        if (!enabled) {
            return;
        }
        if (adminToken.isEmpty()) {
            LOG.warn("ripple.sandbox.admin-token is not set: the sandbox cells will refuse every admin-API call");
        }
        SandboxRoutes.mount(router, fleet, vertx, adminToken.orElse(null));
        LOG.info("Sandbox fleet mounted under /sandbox");
    }
}
