package dev.ripple.cells;

import dev.ripple.topology.Cell;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

/**
 * Where a cell's admin API is. A {@code sandbox://ID} URL names a cell of the built-in sandbox fleet, served over
 * real HTTP by this same process (or by {@code ripple.sandbox.base-url} when the fleet runs elsewhere).
 */
@ApplicationScoped
public class CellEndpoints {
    private final Config config;
    private volatile String sandboxBase;

    CellEndpoints(Config config) {
        this.config = config;
    }

    public String baseUrl(Cell cell) {
        return cell.isSandbox() ? sandboxBase() + "/sandbox/cells/" + cell.sandboxId() : cell.url().toString();
    }

    private String sandboxBase() {
        String base = sandboxBase;
        if (base == null) {
            base = config.getOptionalValue("ripple.sandbox.base-url", String.class).orElseGet(() -> {
                String portKey = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
                int port = config.getOptionalValue(portKey, Integer.class)
                        .orElse(LaunchMode.current() == LaunchMode.TEST ? 8081 : 8080);
                return "http://127.0.0.1:" + port;
            });
            base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            sandboxBase = base;
        }
        return base;
    }
}
