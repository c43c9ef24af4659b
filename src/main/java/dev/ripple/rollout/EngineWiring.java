package dev.ripple.rollout;

import dev.ripple.health.HealthEvaluator;
import dev.ripple.health.MetricsSource;
import dev.ripple.health.QueryResult;
import dev.ripple.incidents.IncidentView;
import dev.ripple.notify.Notifier;
import dev.ripple.topology.TopologyService;
import io.quarkus.arc.DefaultBean;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;
import java.util.List;

/** Builds the plain-Java engine from the application's beans. */
@ApplicationScoped
class EngineWiring {

    @Produces
    @ApplicationScoped
    RolloutEngine engine(RolloutStore store, CellOps cells, MetricsSource metrics, TopologyService topology,
                         IncidentView incidents, Notifier notifier, Clock clock, RolloutsConfig config,
                         EngineMetrics engineMetrics) {
        return new RolloutEngine(store, cells, new HealthEvaluator(metrics), () -> topology.current().checks(),
                incidents, notifier, clock, new EngineSettings(config.checkEvery(), config.maxInconclusive(),
                config.blockedRecheck()), engineMetrics);
    }

    /** Without a metrics source every check is an error: gradual rollouts halt rather than proceed blind. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    MetricsSource noMetrics() {
        return query -> new QueryResult.Failed("no metrics source configured");
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    IncidentView noIncidents() {
        return ring -> List.of();
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    Notifier logNotifier() {
        return n -> Log.infof("rollout %s %s: %s", n.rolloutId(), n.event().wireName(), n.summary());
    }
}
