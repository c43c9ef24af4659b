package dev.ripple.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One cell's counters: its admin-API calls (by method and code, and a latency histogram) and the simulated
 * application traffic a health check reads. Event-loop threads record concurrently, so only adders and short locks.
 */
final class CellMetrics {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final double APP_REQUESTS_PER_SECOND = 100;

    private record RequestKey(String method, int code) {
    }

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    private final DoubleAdder durationSum = new DoubleAdder();

    private final Clock clock;
    private Instant lastAccrual;
    private double appOk;
    private double appFailed;
    private double errorRatio;

    CellMetrics(Clock clock) {
        this.clock = clock;
        this.lastAccrual = clock.instant();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void recordAdmin(String method, int code, double seconds) {
        requests.computeIfAbsent(new RequestKey(method, code), k -> new LongAdder()).increment();
        int i = 0;
        while (i < BUCKETS.length && seconds > BUCKETS[i]) {
            i++;
        }
        buckets[i].increment();
        durationSum.add(seconds);
    }

    long adminRequests(String method, int code) {
        LongAdder n = requests.get(new RequestKey(method, code));
        return n == null ? 0 : n.sum();
    }

    /** Traffic so far is split by the old ratio; only what follows uses the new one. */
    synchronized void errorRatio(double ratio) {
        accrue();
        errorRatio = ratio;
    }

    record AppTraffic(long ok, long failed, double errorRatio) {
    }

    /** Traffic is accrued lazily from the clock when read, so a thousand cells need no timer. */
    synchronized AppTraffic appTraffic() {
        accrue();
        // Floors of growing totals keep the counters monotonic while hiding the fractions.
        return new AppTraffic((long) Math.floor(appOk), (long) Math.floor(appFailed), errorRatio);
    }

    private void accrue() {
        Instant now = clock.instant();
        double seconds = Math.max(0, (now.toEpochMilli() - lastAccrual.toEpochMilli()) / 1000.0);
        double total = seconds * APP_REQUESTS_PER_SECOND;
        appFailed += total * errorRatio;
        appOk += total * (1 - errorRatio);
        if (now.isAfter(lastAccrual)) {
            lastAccrual = now;
        }
    }

    void appendAdminRequests(StringBuilder out, String cellLabel) {
        requests.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<RequestKey, LongAdder> e) -> e.getKey().method())
                        .thenComparingInt(e -> e.getKey().code()))
                .forEach(e -> out.append("sandbox_admin_requests_total{cell=").append(cellLabel)
                        .append(",method=\"").append(e.getKey().method())
                        .append("\",code=\"").append(e.getKey().code()).append("\"} ")
                        .append(e.getValue().sum()).append('\n'));
    }

    void appendDurations(StringBuilder out, String cellLabel) {
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            cumulative += buckets[i].sum();
            String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
            out.append("sandbox_admin_request_duration_seconds_bucket{cell=").append(cellLabel)
                    .append(",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        out.append("sandbox_admin_request_duration_seconds_sum{cell=").append(cellLabel).append("} ")
                .append(durationSum.sum()).append('\n');
        // The count is the +Inf bucket, so both agree even while requests are being recorded.
        out.append("sandbox_admin_request_duration_seconds_count{cell=").append(cellLabel).append("} ")
                .append(cumulative).append('\n');
    }

    void appendAppTraffic(StringBuilder out, String cellLabel, AppTraffic traffic) {
        out.append("sandbox_app_requests_total{cell=").append(cellLabel).append(",code=\"200\"} ")
                .append(traffic.ok()).append('\n');
        out.append("sandbox_app_requests_total{cell=").append(cellLabel).append(",code=\"500\"} ")
                .append(traffic.failed()).append('\n');
    }
}
