package dev.ripple.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where feature-flag log entries go besides the notification sinks: a GitLab instance (docs/audit.md). */
@ConfigMapping(prefix = "ripple.flag-log")
public interface FlagLogConfig {

    Gitlab gitlab();

    interface Gitlab {
        /** The GitLab instance's base URL ({@code https://gitlab.example.com}); unset, nothing goes to GitLab. */
        Optional<String> url();

        /** The feature-flag log project, by path ({@code group/feature-flag-log}) or id; each entry becomes a closed issue there. */
        Optional<String> project();

        /**
         * The environment variable (or configuration property of that exact name) holding the access token, sent as
         * {@code PRIVATE-TOKEN}; read at each call, so a rotated token is picked up. Never logged.
         */
        @WithDefault("RIPPLE_FLAG_LOG_GITLAB_TOKEN")
        String tokenEnv();

        /** Labels for the log issues, e.g. {@code feature-flag,ripple}. */
        Optional<List<String>> labels();

        /** Whether each entry is also posted as a note on the rollout issue, when it is an issue of this GitLab. */
        @WithDefault("true")
        boolean notes();

        /**
         * How long one call may take, connecting included. Queueing and retries are the notification sinks'
         * ({@code ripple.notify.queue-capacity}, {@code max-attempts}, {@code initial-backoff}, {@code max-backoff},
         * {@code shutdown-grace}).
         */
        @WithDefault("5s")
        Duration timeout();
    }
}
