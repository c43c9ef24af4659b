package dev.ripple.incidents;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where incidents come from and how fresh Ripple's view of them must be. */
@ConfigMapping(prefix = "ripple.incidents")
public interface IncidentsConfig {

    /**
     * Longest time an instance answers from its copy of the incidents opened through the API. Its own changes show
     * at once; this bounds how late it sees another instance's changes to the shared database.
     */
    @WithDefault("2s")
    Duration refreshEvery();

    Alertmanager alertmanager();

    interface Alertmanager {
        /** Alertmanager's base URL ({@code /api/v2/alerts} is appended). Without it Alertmanager is not polled. */
        Optional<String> url();

        /** Period of the poll (also read by the scheduler as {@code ripple.incidents.alertmanager.poll-every}). */
        @WithDefault("15s")
        Duration pollEvery();

        /** How long one poll may take. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * Alertmanager matchers sent as {@code filter} parameters, e.g. {@code severity=~"critical|page"}: only
         * matching alerts become incidents. A comma inside one matcher is written {@code \,}.
         */
        Optional<List<String>> matchers();

        /** The label whose integer value names the ring an alert is about; alerts without it are ignored. */
        @WithDefault("ring")
        String ringLabel();

        /** After this long without a successful poll, Ripple no longer trusts the last alerts it read. */
        @WithDefault("1m")
        Duration staleAfter();

        /**
         * When Alertmanager cannot be read (never yet, or not for {@link #staleAfter()}), report an incident on every
         * ring so gradual rollouts wait instead of proceeding blind.
         */
        @WithDefault("true")
        boolean failClosed();
    }
}
