package dev.ripple.sandbox;

import java.util.Collection;
import java.util.List;

/** Prometheus text exposition (version 0.0.4) of a set of cells, each metric family's HELP and TYPE written once. */
final class SandboxMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private SandboxMetrics() {
    }

    static String render(Collection<SandboxCell> cells) {
        List<SandboxCell> sorted = cells.stream().sorted(java.util.Comparator.comparing(SandboxCell::id)).toList();
        StringBuilder out = new StringBuilder(256 + sorted.size() * 2048);
        family(out, "sandbox_admin_requests_total", "counter",
                "Admin-API calls answered by a sandbox cell, by method and status code.");
        sorted.forEach(c -> c.metrics().appendAdminRequests(out, label(c.id())));
        family(out, "sandbox_admin_request_duration_seconds", "histogram",
                "Time a sandbox cell took to answer an admin-API call, injected latency included.");
        sorted.forEach(c -> c.metrics().appendDurations(out, label(c.id())));
        List<CellMetrics.AppTraffic> traffic = sorted.stream().map(c -> c.metrics().appTraffic()).toList();
        family(out, "sandbox_app_requests_total", "counter",
                "Simulated application requests served by a sandbox cell, by status code.");
        for (int i = 0; i < sorted.size(); i++) {
            sorted.get(i).metrics().appendAppTraffic(out, label(sorted.get(i).id()), traffic.get(i));
        }
        family(out, "sandbox_app_error_ratio", "gauge",
                "Share of simulated application requests that fail, as set by the reportedErrorRatio fault.");
        for (int i = 0; i < sorted.size(); i++) {
            out.append("sandbox_app_error_ratio{cell=").append(label(sorted.get(i).id())).append("} ")
                    .append(traffic.get(i).errorRatio()).append('\n');
        }
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A quoted label value, escaped as the exposition format requires. */
    static String label(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
