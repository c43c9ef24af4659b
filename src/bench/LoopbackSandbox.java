import dev.ripple.sandbox.Faults;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.sandbox.SandboxRoutes;
import dev.ripple.sandbox.SandboxServer;
import dev.ripple.flags.Gates;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Random;

/**
 * The fleet of {@link SandboxServer}, bound to 127.0.0.1 only (SandboxServer listens on every interface and has no
 * host option). Same cells, same flags ({@code SandboxServer.variedGates}), same routes and injected latency.
 * Run in source-file mode by src/bench/cache-bench.sh:
 * java -cp CLASSPATH src/bench/LoopbackSandbox.java PORT CELLS PREFIX TOKEN LATENCY_MS FLAGS
 */
public class LoopbackSandbox {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int cells = Integer.parseInt(args[1]);
        String prefix = args[2];
        String token = args[3];
        long latencyMs = Long.parseLong(args[4]);
        int flags = Integer.parseInt(args[5]);

        Method varied = SandboxServer.class.getDeclaredMethod("variedGates", int.class, int.class);
        varied.setAccessible(true);
        SandboxFleet fleet = new SandboxFleet(Clock.systemUTC(), new Random());
        for (int i = 1; i <= cells; i++) {
            SandboxCell cell = fleet.create(prefix + i);
            cell.faults(Faults.NONE.withLatencyMs(latencyMs));
            for (int f = 0; f < flags; f++) {
                cell.putFlag(String.format("flag_%04d", f), (Gates) varied.invoke(null, f, i));
            }
        }
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        SandboxRoutes.mount(router, fleet, vertx, token);
        vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").onComplete(started -> {
            if (started.succeeded()) {
                System.out.printf("Sandbox fleet: %d cells with %d flags each on http://127.0.0.1:%d/sandbox/cells/%s1%n",
                        cells, flags, started.result().actualPort(), prefix);
            } else {
                System.err.println("Sandbox fleet could not listen on 127.0.0.1:" + port + ": " + started.cause());
                vertx.close();
                System.exit(1);
            }
        });
    }
}
