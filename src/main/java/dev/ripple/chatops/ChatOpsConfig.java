package dev.ripple.chatops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ChatOps: who chat users are, and how Slack reaches Ripple. See {@code docs/chatops.md}. */
@ConfigMapping(prefix = "ripple.chatops")
public interface ChatOpsConfig {

    /**
     * Chat users by their chat id: a Slack user id ({@code U0123ABCD}) for the Slack app, or the {@code user} another
     * bot sends. Users not listed may only run {@code help}.
     */
    Map<String, User> users();

    Slack slack();

    /** How long a bot's {@code Idempotency-Key}, or a Slack request's body, is remembered with its answer. */
    @WithDefault("24h")
    Duration idempotencyWindow();

    interface User {
        /** The principal name the user acts as (the rollout's requester, the audit log's principal); the id if unset. */
        Optional<String> name();

        /** viewer, engineer, sre or admin, comma-separated; higher roles imply the lower ones. */
        Optional<List<String>> roles();
    }

    interface Slack {
        /**
         * The name of the environment variable holding the Slack app's signing secret (or a configuration property
         * of exactly that name). The secret itself is never configured in a file, logged or echoed.
         */
        @WithDefault("SLACK_SIGNING_SECRET")
        String signingSecretEnv();

        /** A file holding the signing secret (a mounted Kubernetes secret), read instead of the environment. */
        Optional<String> signingSecretFile();

        /** How old a request may be, by its {@code X-Slack-Request-Timestamp}, before it is refused. */
        @WithDefault("5m")
        Duration maxAge();

        /** How far in the future a request's timestamp may be (clocks differ) before it is refused. */
        @WithDefault("1m")
        Duration clockSkew();

        /**
         * How long a command may run before Slack gets "working on it" and the result follows through the request's
         * {@code response_url} (Slack gives up on an answer after 3 seconds).
         */
        @WithDefault("2s")
        Duration replyWithin();

        /** Results posted later go only to {@code response_url}s that start with this. */
        @WithDefault("https://hooks.slack.com/")
        String responseUrlPrefix();

        /** How long posting a result to {@code response_url} may take. */
        @WithDefault("5s")
        Duration postTimeout();
    }
}
