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
 */
public record Faults(long latencyMs, double errorRate, double rateLimitRate, boolean down, double reportedErrorRatio) {
    public static final Faults NONE = new Faults(0, 0, 0, false, 0);

    /** Ten minutes: any longer and a client's timeout is what is being tested, not the cell. */
    static final long MAX_LATENCY_MS = 600_000;

    public Faults {
        if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
            throw new IllegalArgumentException("latencyMs must be between 0 and " + MAX_LATENCY_MS + ", got " + latencyMs);
        }
        checkShare("errorRate", errorRate);
        checkShare("rateLimitRate", rateLimitRate);
        checkShare("reportedErrorRatio", reportedErrorRatio);
    }

    private static void checkShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
        }
    }

    public Faults withLatencyMs(long v) {
        return new Faults(v, errorRate, rateLimitRate, down, reportedErrorRatio);
    }

    public Faults withErrorRate(double v) {
        return new Faults(latencyMs, v, rateLimitRate, down, reportedErrorRatio);
    }

    public Faults withRateLimitRate(double v) {
        return new Faults(latencyMs, errorRate, v, down, reportedErrorRatio);
    }

    public Faults withDown(boolean v) {
        return new Faults(latencyMs, errorRate, rateLimitRate, v, reportedErrorRatio);
    }

    public Faults withReportedErrorRatio(double v) {
        return new Faults(latencyMs, errorRate, rateLimitRate, down, v);
    }
}
