package dev.ripple.rollout;

import java.time.Duration;

/** The rollouts being created on this instance kept the request waiting longer than it may: nothing was started. */
public class TooManyStarts extends RuntimeException {
    public static final int RETRY_AFTER_SECONDS = 1;

    public TooManyStarts(int concurrent, Duration waited) {
        super("this instance is creating " + concurrent + " rollouts at once and the request waited "
                + (waited.toMillis() < 1000 ? waited.toMillis() + " ms" : waited.toSeconds() + " s")
                + " for its turn; nothing was started, try again in " + RETRY_AFTER_SECONDS + " s");
    }
}
