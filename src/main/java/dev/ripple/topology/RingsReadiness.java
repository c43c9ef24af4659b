package dev.ripple.topology;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once {@code rings/} is loaded. A later reload that fails keeps the instance ready (the last good topology
 * serves) but says so in the check's data.
 */
@Readiness
@ApplicationScoped
class RingsReadiness implements HealthCheck {
    private final TopologyService topology;

    RingsReadiness(TopologyService topology) {
        this.topology = topology;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("rings");
        if (!topology.isLoaded()) {
            return response.down().withData("reason", "rings/ is not loaded yet").build();
        }
        Topology t = topology.current();
        response.up().withData("version", t.version()).withData("rings", t.rings().size())
                .withData("cells", t.cells().size()).withData("flags", t.flags().size());
        TopologyService.ReloadOutcome last = topology.lastReload();
        if (last != null && !last.applied()) {
            response.withData("lastReload", "refused at " + last.at() + " with " + last.problems().size()
                    + " problem(s); serving the last good version");
        }
        return response.build();
    }
}
