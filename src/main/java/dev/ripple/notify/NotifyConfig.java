package dev.ripple.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where rollout notifications go: named webhook sinks, and how hard Ripple tries to deliver to them. */
@ConfigMapping(prefix = "ripple.notify")
public interface NotifyConfig {

    /** The sinks by name ({@code ripple.notify.sinks."ops-chat".url=...}); with none, notifications are only logged. */
    Map<String, Sink> sinks();

    /** Notifications waiting per sink; when a sink falls this far behind, its oldest waiting one is dropped. */
    @WithDefault("1000")
    int queueCapacity();

    /** How long one delivery attempt may take, connecting included, before it counts as a timeout. */
    @WithDefault("5s")
    Duration timeout();

    /** Attempts per notification, the first included. Only 5xx, 429, timeouts and connection failures retry. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry; doubles each time up to {@link #maxBackoff()}, half of it drawn at random. */
    @WithDefault("500ms")
    Duration initialBackoff();

    /** Longest wait between two attempts, also the most a {@code Retry-After} answer can make Ripple wait. */
    @WithDefault("30s")
    Duration maxBackoff();

    /** How long shutdown waits for queued notifications to go out before dropping what is left. */
    @WithDefault("2s")
    Duration shutdownGrace();

    interface Sink {
        /** The webhook, http or https. A Slack webhook URL is itself a secret: set it from the environment. */
        URI url();

        /** {@code slack} (an incoming-webhook message) or {@code json} (the notification as a generic event). */
        @WithDefault("json")
        Format format();

        /** Event wire names this sink wants ({@code halted,rolled-back}); every event when absent. */
        Optional<List<String>> events();

        /** An extra request header, e.g. {@code Authorization}; its value comes from {@link #headerValueEnv()}. */
        Optional<String> headerName();

        /**
         * The environment variable (or configuration property of that exact name) holding the header's value,
         * read at each delivery so a rotated secret is picked up. The value is never logged.
         */
        Optional<String> headerValueEnv();

        /** This sink's own queue capacity, instead of {@link NotifyConfig#queueCapacity()}. */
        Optional<Integer> queueCapacity();
    }

    enum Format { SLACK, JSON }
}
