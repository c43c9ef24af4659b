package dev.ripple.notify;

import java.time.Instant;
import java.util.List;

/**
 * Something a rollout's initiator and channel should hear about.
 *
 * @param ring     the ring it concerns, or null for the rollout as a whole
 * @param summary  one line a human reads first ("error ratio 0.034 on ring 2 > halt 0.02")
 * @param failures failed cells as {@code cell: error}, for cell-failed, completed-with-failures and flag-log
 * @param flagLog  the feature-flag log entry, for flag-log; null otherwise
 */
public record RolloutNotification(Event event, String rolloutId, String flag, String change, int upToRing, String mode,
                                  String initiator, Integer ring, String summary, Instant at, List<String> failures,
                                  FlagLogEntry flagLog) {

    public RolloutNotification {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    public RolloutNotification(Event event, String rolloutId, String flag, String change, int upToRing, String mode,
                               String initiator, Integer ring, String summary, Instant at, List<String> failures) {
        this(event, rolloutId, flag, change, upToRing, mode, initiator, ring, summary, at, failures, null);
    }

    public enum Event {
        STARTED("started"), RING_DONE("ring-done"), BLOCKED("blocked"), HALTED("halted"),
        ROLLED_BACK("rolled-back"), COMPLETED("completed"), COMPLETED_WITH_FAILURES("completed-with-failures"),
        CELL_FAILED("cell-failed"), ABORTED("aborted"),
        /** A feature-flag log entry: a ring's cells changed (or were restored); see {@link FlagLogEntry}. */
        FLAG_LOG("flag-log");

        private final String wireName;

        Event(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
