package dev.ripple.cells;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.sandbox.Faults;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.LogCapture;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.ripple.testing.Tokens;
import static org.assertj.core.api.Assertions.assertThat;

/** Cell admin tokens never reach a log line, an error value or a response, whatever goes wrong. */
@QuarkusTest
class SecretsStaySecretTest {
    private static final List<String> SECRETS = List.of("sandbox-demo-token", "not-the-sandbox-token");

    @Inject
    CellGateway gateway;
    @Inject
    SandboxFleet fleet;

    private LogCapture capture;

    @BeforeEach
    void captureEveryLogRecord() {
        capture = LogCapture.start();
    }

    @AfterEach
    void stopCapturing() {
        capture.close();
    }

    @Test
    void noFailureRevealsAToken() {
        SandboxCell sandbox = fleet.create("secrets-probe");
        try {
            Cell good = cell("env:RIPPLE_SANDBOX_TOKEN");
            Cell wrong = cell("env:RIPPLE_TEST_WRONG_TOKEN");
            StringBuilder seen = new StringBuilder();
            seen.append(gateway.listFlags(wrong).await().atMost(Duration.ofSeconds(20)));
            seen.append(gateway.setGate(good, "x", new GateChange.SetActors(ActorKind.USER, List.of("missing-x"), true))
                    .await().atMost(Duration.ofSeconds(20)));
            sandbox.faults(Faults.NONE.withDown(true));
            seen.append(gateway.listFlags(good).await().atMost(Duration.ofSeconds(20)));
            sandbox.faults(Faults.NONE.withErrorRate(1.0));
            seen.append(gateway.setGate(good, "x", new GateChange.SetBoolean(true)).await().atMost(Duration.ofSeconds(20)));
            sandbox.resetFaults();
            fleet.cell("ea-1").orElseThrow().faults(Faults.NONE.withDown(true));
            try {
                seen.append(Tokens.as(Tokens.SRE).post("/api/v1/cache/refresh").asString());
                seen.append(Tokens.as(Tokens.SRE).get("/api/v1/topology").asString());
                seen.append(Tokens.as(Tokens.SRE).get("/api/v1/cells/ea-1").asString());
                seen.append(Tokens.as(Tokens.SRE).get("/api/v1/flags/new_search_ui?fresh=true").asString());
                seen.append(Tokens.as(Tokens.SRE).get("/q/metrics").asString());
            } finally {
                fleet.cell("ea-1").orElseThrow().resetFaults();
            }

            assertThat(seen).contains("unauthorized", "unreachable", "server-error", "missing-x is not found!");
            List<String> logged = capture.lines();
            assertThat(logged).isNotEmpty();
            for (String secret : SECRETS) {
                assertThat(seen.toString()).doesNotContain(secret);
                assertThat(logged).noneMatch(line -> line.contains(secret));
            }
        } finally {
            fleet.remove("secrets-probe");
        }
    }

    private static Cell cell(String credential) {
        return new Cell("secrets-probe", 3, "gitlab", URI.create("sandbox://secrets-probe"),
                CredentialRef.parse(credential).orElseThrow(), Map.of());
    }
}
