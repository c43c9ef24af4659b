package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;
import dev.ripple.notify.Notifier;
import dev.ripple.notify.NotifyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Publishes the feature-flag log: each entry goes to the notification sinks (event {@code flag-log}) and, when
 * configured, to GitLab ({@link GitlabFlagLog}). Entries come from {@link GateChangeRecorder} and are published only
 * once the transaction that recorded their gate changes has committed: a log entry never announces a change the audit
 * does not have. Publishing only queues; it never slows the rollout that made the change.
 */
@Startup
@ApplicationScoped
public class FlagLog {
    private static final Logger LOG = Logger.getLogger(FlagLog.class);

    private final Notifier notifier;
    private final Optional<GitlabFlagLog> gitlab;
    private final Duration shutdownGrace;

    FlagLog(Notifier notifier, FlagLogConfig config, NotifyConfig delivery, Config properties,
            MeterRegistry registry) {
        this.notifier = notifier;
        this.shutdownGrace = delivery.shutdownGrace();
        // As for cell credentials and notification headers: the environment first, then a property of that name.
        Function<String, Optional<String>> secrets = name -> Optional.ofNullable(System.getenv(name))
                .or(() -> properties.getOptionalValue(name, String.class));
        this.gitlab = config.gitlab().url().isEmpty() ? Optional.empty() : Optional.of(new GitlabFlagLog(
                GitlabFlagLog.Settings.of(config.gitlab(), delivery), secrets, registry));
        gitlab.ifPresent(g -> {
            LOG.infof("Feature-flag log to GitLab %s", g.describe());
            if (g.tokenMissing()) {
                LOG.warnf("The GitLab feature-flag log reads its token from %s, which is not set; entries fail until "
                        + "it is", config.gitlab().tokenEnv());
            }
        });
    }

    void published(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlagLogBatch batch) {
        for (FlagLogEntry entry : batch.entries()) {
            publish(entry);
        }
    }

    /** Hands one entry to the sinks and GitLab; never throws. */
    void publish(FlagLogEntry entry) {
        try {
            notifier.publish(entry.notification());
            gitlab.ifPresent(g -> g.offer(entry));
        } catch (RuntimeException e) {
            LOG.warnf("Could not queue the feature-flag log entry of rollout %s: %s", entry.rolloutId(), e.toString());
        }
    }

    Optional<GitlabFlagLog> gitlab() {
        return gitlab;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        gitlab.ifPresent(g -> {
            g.awaitIdle(shutdownGrace);
            int left = g.stop();
            if (left > 0) {
                LOG.warnf("The GitLab feature-flag log stopped with %d entries not sent", left);
            }
        });
    }
}
