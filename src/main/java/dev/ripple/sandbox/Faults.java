package dev.ripple.sandbox;

/**
 * The misbehaviour a sandbox cell is told to show, so tests and demos can steer an adapter or a rollout into its
 * failure paths.
 *
 * @param latencyMs          added before every admin-API answer
 * @param errorRate          share (0–1) of admin-API calls answered 500
 * @param rateLimitRate      share (0–1) of admin-API calls answered 429 with {@code Retry-After: 1}
 * @param down               the cell closes every admin-API connection without answering
 * @param reportedErrorRatio share (0–1) of the simulated application traffic that fails, as its metrics report it
 * @param flapUp             with {@code flapDown}, a flapping cell: counting admin-API calls from when the flap was
 *                           set, it answers {@code flapUp} calls, then drops the next {@code flapDown} as a down cell
 *                           would (unanswered, before doing anything), and again; both 0 when it does not flap
 * @param flapDown           how many calls in a row a flapping cell drops
 */
public record Faults(long latencyMs, double errorRate, double rateLimitRate, boolean down, double reportedErrorRatio,
                     int flapUp, int flapDown) {
    public static final Faults NONE = new Faults(0, 0, 0, false, 0, 0, 0);

    static final int MAX_FLAP_CALLS = 1_000_000;

    /** Ten minutes: any longer and a client's timeout is what is being tested, not the cell. */
    static final long MAX_LATENCY_MS = 600_000;

    public Faults {
        if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
            throw new IllegalArgumentException("latencyMs must be between 0 and " + MAX_LATENCY_MS + ", got " + latencyMs);
        }
        checkShare("errorRate", errorRate);
        checkShare("rateLimitRate", rateLimitRate);
        checkShare("reportedErrorRatio", reportedErrorRatio);
        if (flapUp < 0 || flapUp > MAX_FLAP_CALLS || flapDown < 0 || flapDown > MAX_FLAP_CALLS) {
            throw new IllegalArgumentException("flapUp and flapDown must be between 0 and " + MAX_FLAP_CALLS
                    + ", got " + flapUp + " and " + flapDown);
        }
        if ((flapUp == 0) != (flapDown == 0)) {
            throw new IllegalArgumentException("flapUp and flapDown go together: both above 0 to flap, both 0 not to"
                    + ", got " + flapUp + " and " + flapDown);
        }
    }

    /** Whether the cell alternates between answering and dropping calls. */
    public boolean flaps() {
        return flapUp > 0;
    }

    /**
     * Whether a flapping cell drops the admin-API call numbered {@code call} (0 for the first since the flap was set).
     */
    boolean flapDrops(long call) {
        return flaps() && call % (flapUp + (long) flapDown) >= flapUp;
    }

    private static void checkShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
        }
    }

    public Faults withLatencyMs(long v) {
        return new Faults(v, errorRate, rateLimitRate, down, reportedErrorRatio, flapUp, flapDown);
    }

    public Faults withErrorRate(double v) {
        return new Faults(latencyMs, v, rateLimitRate, down, reportedErrorRatio, flapUp, flapDown);
    }

    public Faults withRateLimitRate(double v) {
        return new Faults(latencyMs, errorRate, v, down, reportedErrorRatio, flapUp, flapDown);
    }

    public Faults withDown(boolean v) {
        return new Faults(latencyMs, errorRate, rateLimitRate, v, reportedErrorRatio, flapUp, flapDown);
    }

    public Faults withReportedErrorRatio(double v) {
        return new Faults(latencyMs, errorRate, rateLimitRate, down, v, flapUp, flapDown);
    }

    /** Answers {@code up} calls, drops {@code down}, and again; {@code (0, 0)} stops the flapping. */
    public Faults withFlap(int up, int down) {
        return new Faults(latencyMs, errorRate, rateLimitRate, this.down, reportedErrorRatio, up, down);
    }
}
