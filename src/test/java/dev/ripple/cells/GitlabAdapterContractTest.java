package dev.ripple.cells;

import dev.ripple.flags.ActorKind;
import dev.ripple.flags.GateChange;
import dev.ripple.flags.Gates;
import dev.ripple.flags.ObservedFlag;
import dev.ripple.platform.InstanceId;
import dev.ripple.sandbox.Faults;
import dev.ripple.sandbox.SandboxCalls;
import dev.ripple.sandbox.SandboxCell;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.topology.Cell;
import dev.ripple.topology.CredentialRef;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The gitlab adapter against a sandbox cell over real HTTP: every change GitLab accepts, every refusal the
 * reference lists, and each failure kind (with retries and the per-cell breaker) as a typed value.
 */
@QuarkusTest
class GitlabAdapterContractTest {
    private static final BigDecimal TWENTY_FIVE = new BigDecimal("25");

    @Inject
    CellGateway gateway;
    @Inject
    SandboxFleet fleet;

    private SandboxCell sandbox;
    private Cell cell;

    @BeforeEach
    void newCell() {
        // A cell of its own per test, outside the topology, so no test sees another's state or breaker.
        String id = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        sandbox = fleet.create(id);
        cell = cell(id, "env:RIPPLE_SANDBOX_TOKEN");
    }

    @AfterEach
    void removeCell() {
        fleet.remove(sandbox.id());
    }

    @Test
    void switchesAFlagOnAndListsIt() {
        ObservedFlag flag = ok(gateway.setGate(cell, "new_search_ui", new GateChange.SetBoolean(true)));

        assertThat(flag.gates().enabled()).isTrue();
        assertThat(ok(gateway.listFlags(cell))).containsExactly(flag);
    }

    @Test
    void everyCallNamesTheRippleInstanceMakingIt() {
        long before = fleet.calls().lastSeq();

        ok(gateway.setGate(cell, "new_search_ui", new GateChange.SetBoolean(true)));
        ok(gateway.listFlags(cell));
        ok(gateway.deleteFlag(cell, "new_search_ui"));

        assertThat(fleet.calls().after(before, 100)).filteredOn(c -> c.cell().equals(sandbox.id()))
                .extracting(SandboxCalls.Call::method, SandboxCalls.Call::instance)
                .containsExactly(tuple("POST", InstanceId.current()), tuple("GET", InstanceId.current()),
                        tuple("DELETE", InstanceId.current()));
        assertThat(InstanceId.current()).startsWith(ProcessHandle.current().pid() + "@");
    }

    @Test
    void readsAnUnchangedCellWithoutParsingItAgain() {
        ok(gateway.setGate(cell, "x", new GateChange.SetBoolean(true)));
        List<ObservedFlag> first = ok(gateway.listFlags(cell));

        List<ObservedFlag> again = ok(gateway.listFlags(cell));
        ok(gateway.setGate(cell, "x", new GateChange.SetBoolean(false)));
        List<ObservedFlag> changed = ok(gateway.listFlags(cell));

        assertThat(again).isSameAs(first);
        assertThat(changed).isNotSameAs(first);
        assertThat(changed.get(0).gates()).isEqualTo(Gates.OFF);
    }

    @Test
    void readsOneFlagFromTheListWhetherTheListChangedOrNot() {
        // Given a cell with two flags, listed once
        ok(gateway.setGate(cell, "x", new GateChange.SetBoolean(true)));
        ok(gateway.setGate(cell, "y", new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS, TWENTY_FIVE)));
        ok(gateway.listFlags(cell));

        // When one flag is read from an unchanged list, and again after it changed, and one the cell lacks
        var unchanged = ok(gateway.readFlag(cell, "y"));
        ok(gateway.setGate(cell, "y", new GateChange.SetBoolean(true)));
        var changed = ok(gateway.readFlag(cell, "y"));
        var absent = ok(gateway.readFlag(cell, "z"));

        // Then each is what the cell holds, each read was one list call
        assertThat(unchanged).contains(Gates.OFF.withPercentageOfActors(TWENTY_FIVE));
        assertThat(changed).contains(Gates.OFF.withEnabled(true));
        assertThat(absent).isEmpty();
        assertThat(sandbox.adminRequests("GET", 200)).isEqualTo(4);
    }

    @Test
    void goesFromFullyOnToAPercentageBySwitchingOffFirst() {
        ok(gateway.setGate(cell, "new_search_ui", new GateChange.SetBoolean(true)));

        ObservedFlag flag = ok(gateway.setGate(cell, "new_search_ui",
                new GateChange.SetPercentage(GateChange.PercentageKind.ACTORS, TWENTY_FIVE)));

        assertThat(flag.gates()).isEqualTo(Gates.OFF.withPercentageOfActors(TWENTY_FIVE));
        // GitLab refused the percentage once, then took "false" and the percentage.
        assertThat(sandbox.adminRequests("POST", 400)).isEqualTo(1);
        assertThat(sandbox.adminRequests("POST", 201)).isEqualTo(3);
    }

    @Test
    void setsADecimalPercentageOfTime() {
        ObservedFlag flag = ok(gateway.setGate(cell, "x", new GateChange.SetPercentage(GateChange.PercentageKind.TIME,
                new BigDecimal("12.5"))));

        assertThat(flag.gates().percentageOfTime()).isEqualByComparingTo("12.5");
        assertThat(sandbox.flag("x")).contains(Gates.OFF.withPercentageOfTime(new BigDecimal("12.5")));
    }

    @Test
    void addsAndRemovesActorsOfEachKind() {
        ok(gateway.setGate(cell, "x", new GateChange.SetActors(ActorKind.USER, List.of("alice", "bob"), true)));
        ok(gateway.setGate(cell, "x", new GateChange.SetActors(ActorKind.PROJECT, List.of("group/proj"), true)));
        ok(gateway.setGate(cell, "x", new GateChange.SetActors(ActorKind.FEATURE_GROUP, List.of("team"), true)));

        ObservedFlag flag = ok(gateway.setGate(cell, "x",
                new GateChange.SetActors(ActorKind.USER, List.of("alice"), false)));

        assertThat(flag.gates().actors()).containsExactly("Project:group/proj", "User:bob");
        assertThat(flag.gates().groups()).containsExactly("team");
    }

    @Test
    void refusesOrganizationActorsWithoutCallingTheCell() {
        CellError error = failed(gateway.setGate(cell, "x",
                new GateChange.SetActors(ActorKind.ORGANIZATION, List.of("acme"), true)));

        assertThat(error.kind()).isEqualTo(CellError.Kind.UNSUPPORTED);
        assertThat(error.message()).contains("organization");
        assertThat(sandbox.adminRequests("POST", 201) + sandbox.adminRequests("POST", 400)).isZero();
    }

    @Test
    void turnsGitlabsRefusalIntoAReadableReason() {
        CellError error = failed(gateway.setGate(cell, "x",
                new GateChange.SetActors(ActorKind.USER, List.of("missing-carol"), true)));

        assertThat(error.kind()).isEqualTo(CellError.Kind.REJECTED);
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.message()).isEqualTo("missing-carol is not found!");
        assertThat(error.attempts()).isEqualTo(1);
    }

    @Test
    void deletesIdempotently() {
        ok(gateway.setGate(cell, "x", new GateChange.SetBoolean(true)));

        ok(gateway.deleteFlag(cell, "x"));
        ok(gateway.deleteFlag(cell, "x"));

        assertThat(ok(gateway.listFlags(cell))).isEmpty();
    }

    @Test
    void reportsARefusedTokenWithoutShowingIt() {
        Cell wrongToken = cell(sandbox.id(), "env:RIPPLE_TEST_WRONG_TOKEN");

        CellError error = failed(gateway.listFlags(wrongToken));

        assertThat(error.kind()).isEqualTo(CellError.Kind.UNAUTHORIZED);
        assertThat(error.httpStatus()).isEqualTo(403);
        assertThat(error.toString()).doesNotContain("not-the-sandbox-token");
    }

    @Test
    void reportsAMissingCredentialByItsReference() {
        CellError error = failed(gateway.listFlags(cell(sandbox.id(), "env:RIPPLE_NO_SUCH_TOKEN")));

        assertThat(error.kind()).isEqualTo(CellError.Kind.CREDENTIAL_MISSING);
        assertThat(error.message()).isEqualTo("credential env:RIPPLE_NO_SUCH_TOKEN is not set");
    }

    @Test
    void retriesServerErrorsThenReportsThem() {
        sandbox.faults(Faults.NONE.withErrorRate(1.0));

        CellError error = failed(gateway.setGate(cell, "x", new GateChange.SetBoolean(true)));

        assertThat(error.kind()).isEqualTo(CellError.Kind.SERVER_ERROR);
        assertThat(error.attempts()).isEqualTo(4);
        assertThat(sandbox.adminRequests("POST", 500)).isEqualTo(4);
        assertThat(sandbox.flag("x")).isEmpty();
    }

    @Test
    void retriesRateLimitsThenReportsThem() {
        sandbox.faults(Faults.NONE.withRateLimitRate(1.0));

        CellError error = failed(gateway.listFlags(cell));

        assertThat(error.kind()).isEqualTo(CellError.Kind.RATE_LIMITED);
        assertThat(sandbox.adminRequests("GET", 429)).isEqualTo(4);
    }

    @Test
    void reportsAnUnreachableCell() {
        sandbox.faults(Faults.NONE.withDown(true));

        CellError error = failed(gateway.listFlags(cell));

        assertThat(error.kind()).isEqualTo(CellError.Kind.UNREACHABLE);
        assertThat(error.attempts()).isEqualTo(4);
    }

    @Test
    void reportsASlowCellAsATimeout() {
        sandbox.faults(Faults.NONE.withLatencyMs(2_500));

        CellError error = failed(gateway.listFlags(cell));

        assertThat(error.kind()).isEqualTo(CellError.Kind.TIMEOUT);
        assertThat(error.message()).isEqualTo("no answer within 2000 ms");
    }

    @Test
    void opensTheBreakerOfASickCellOnlyAndFailsFast() {
        SandboxCell healthy = fleet.create(sandbox.id() + "-ok");
        try {
            sandbox.faults(Faults.NONE.withErrorRate(1.0));
            for (int i = 0; i < 3; i++) {
                assertThat(failed(gateway.listFlags(cell)).kind()).isEqualTo(CellError.Kind.SERVER_ERROR);
            }
            long callsBefore = sandbox.adminRequests("GET", 500);

            CellError error = failed(gateway.listFlags(cell));

            assertThat(error.kind()).isEqualTo(CellError.Kind.CIRCUIT_OPEN);
            assertThat(sandbox.adminRequests("GET", 500)).isEqualTo(callsBefore);
            assertThat(gateway.breaker(cell.id()).state()).isEqualTo("open");
            assertThat(ok(gateway.listFlags(cell(healthy.id(), "env:RIPPLE_SANDBOX_TOKEN")))).isEmpty();
        } finally {
            fleet.remove(healthy.id());
        }
    }

    @Test
    void fansOutToManyCellsWithOneFailureNotFailingTheOthers() {
        List<SandboxCell> extra = List.of(fleet.create(sandbox.id() + "-a"), fleet.create(sandbox.id() + "-b"));
        try {
            extra.get(1).faults(Faults.NONE.withErrorRate(1.0));
            List<Cell> cells = List.of(cell, cell(extra.get(0).id(), "env:RIPPLE_SANDBOX_TOKEN"),
                    cell(extra.get(1).id(), "env:RIPPLE_SANDBOX_TOKEN"));

            Map<String, CellResult<List<ObservedFlag>>> results = gateway.forEach(cells, gateway::listFlags)
                    .await().atMost(Duration.ofSeconds(10));

            assertThat(results).containsOnlyKeys(cells.stream().map(Cell::id).toArray(String[]::new));
            assertThat(results.get(cell.id()).isOk()).isTrue();
            assertThat(results.get(extra.get(0).id()).isOk()).isTrue();
            assertThat(results.get(extra.get(1).id()).isOk()).isFalse();
        } finally {
            extra.forEach(c -> fleet.remove(c.id()));
        }
    }

    private static Cell cell(String id, String credential) {
        return new Cell(id, 3, "gitlab", URI.create("sandbox://" + id), CredentialRef.parse(credential).orElseThrow(),
                Map.of());
    }

    private static <T> T ok(Uni<CellResult<T>> call) {
        CellResult<T> result = call.await().atMost(Duration.ofSeconds(20));
        assertThat(result).isInstanceOf(CellResult.Ok.class);
        return ((CellResult.Ok<T>) result).value();
    }

    private static <T> CellError failed(Uni<CellResult<T>> call) {
        CellResult<T> result = call.await().atMost(Duration.ofSeconds(20));
        assertThat(result).isInstanceOf(CellResult.Failed.class);
        return ((CellResult.Failed<T>) result).error();
    }
}
