package dev.ripple.platform;

import java.time.Duration;

/** Durations for people to read. */
public final class Durations {
    private Durations() {
    }

    /** {@code 1h30m}, the way rings/ writes durations. */
    public static String format(Duration d) {
        StringBuilder s = new StringBuilder();
        long seconds = d.getSeconds();
        if (seconds / 86400 > 0) {
            s.append(seconds / 86400).append('d');
        }
        if (seconds % 86400 / 3600 > 0) {
            s.append(seconds % 86400 / 3600).append('h');
        }
        if (seconds % 3600 / 60 > 0) {
            s.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 > 0) {
            s.append(seconds % 60).append('s');
        }
        if (d.toMillisPart() > 0) {
            s.append(d.toMillisPart()).append("ms");
        }
        return s.isEmpty() ? "0s" : s.toString();
    }
}
