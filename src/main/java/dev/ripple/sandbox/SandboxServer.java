package dev.ripple.sandbox;

import dev.ripple.flags.Gates;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A sandbox fleet in a JVM of its own, so a benchmark measures Ripple and not the fleet sharing its threads:
 * <pre>
 * java -cp "target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*:target/quarkus-app/app/*:target/classes" dev.ripple.sandbox.SandboxServer \
 *     [--host 127.0.0.1] --port 9090 --cells 1000 --prefix c- --token X --latency-ms 50 --flags 200 \
 *     [--flap-up 2 --flap-down 3]
 * </pre>
 * Cell {@code c-7} then answers GitLab's Features API at {@code http://localhost:9090/sandbox/cells/c-7}.
 */
public final class SandboxServer {
    private SandboxServer() {
    }

    public static void main(String[] args) {
        Map<String, String> options = options(args);
        int port = Integer.parseInt(options.getOrDefault("port", "9090"));
        // Loopback unless told otherwise: a test double has no business on other interfaces.
        String host = options.getOrDefault("host", "127.0.0.1");
        int cells = Integer.parseInt(options.getOrDefault("cells", "1000"));
        String prefix = options.getOrDefault("prefix", "c-");
        long latencyMs = Long.parseLong(options.getOrDefault("latency-ms", "0"));
        int flapUp = Integer.parseInt(options.getOrDefault("flap-up", "0"));
        int flapDown = Integer.parseInt(options.getOrDefault("flap-down", "0"));
        Faults faults = Faults.NONE.withLatencyMs(latencyMs).withFlap(flapUp, flapDown);
        int flags = Integer.parseInt(options.getOrDefault("flags", "0"));
        String token = options.getOrDefault("token", System.getenv().getOrDefault("RIPPLE_SANDBOX_TOKEN", "sandbox-demo-token"));

        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random());
        for (int i = 1; i <= cells; i++) {
            SandboxCell cell = fleet.create(prefix + i);
            cell.faults(faults);
            for (int f = 0; f < flags; f++) {
                cell.putFlag(String.format("flag_%04d", f), variedGates(f, i));
            }
        }

        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        SandboxRoutes.mount(router, fleet, vertx, token);
        vertx.createHttpServer().requestHandler(router).listen(port, host).onComplete(started -> {
            if (started.succeeded()) {
                System.out.printf("Sandbox fleet: %d cells with %d flags each on http://" + host + ":%d/sandbox/cells/%s1%n",
                        cells, flags, started.result().actualPort(), prefix);
            } else {
                System.err.println("Sandbox fleet could not listen on port " + port + ": " + started.cause().getMessage());
                vertx.close();
                System.exit(1);
            }
        });
    }

    /** Every kind of gate appears, and cells differ a little, so listing and diffing have real work to do. */
    static Gates variedGates(int flag, int cell) {
        return switch (flag % 6) {
            case 0 -> Gates.OFF.withEnabled(true);
            case 1 -> Gates.OFF;
            case 2 -> Gates.OFF.withPercentageOfActors(BigDecimal.valueOf((flag + cell) % 99 + 1));
            case 3 -> Gates.OFF.withPercentageOfTime(new BigDecimal("12.5"));
            case 4 -> Gates.OFF.withActors(new TreeSet<>(java.util.List.of("User:user_" + flag, "Project:group/project_" + cell)));
            default -> Gates.OFF.withGroups(new TreeSet<>(java.util.List.of("gitlab_team_members")))
                    .withPercentageOfActors(BigDecimal.valueOf(25));
        };
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: SandboxServer [--host 127.0.0.1] [--port 9090] [--cells 1000] [--prefix c-]"
                        + " [--token T] [--latency-ms 0] [--flags 0]; bad argument: " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
