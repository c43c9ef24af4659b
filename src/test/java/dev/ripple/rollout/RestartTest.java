package dev.ripple.rollout;

import dev.ripple.flags.Gates;
import dev.ripple.notify.RolloutNotification;
import dev.ripple.topology.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.ripple.rollout.Changes.pctActors;
import static dev.ripple.rollout.Changes.set;
import static dev.ripple.rollout.EngineFixture.FLAG;
import static dev.ripple.rollout.EngineFixture.on;
import static dev.ripple.rollout.EngineFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process can stop at any point: between two steps, after a step's cell facts were stored but not its state, or in
 * the middle of writing to cells. Each scenario is first run straight through; then, for every step (or every write),
 * a fresh run is interrupted there, restarted on the same store, and must end exactly where the straight run did.
 */
class RestartTest {
    private static final int MAX_STEPS = 500;

    /** A rollout from scratch: the cells and metrics it meets, and what it asks. */
    record Scenario(String name, Consumer<EngineFixture> world, RolloutRequest request) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("a healthy gradual rollout to ring 2", fx -> {
                }, request(on(), 2, Mode.GRADUAL)),
                new Scenario("a gradual rollout that ring 1 sends back", fx -> {
                    fx.cells.set("c0-1", FLAG, pctActors(10));
                    fx.cells.set("c1-1", FLAG, Gates.OFF.withActors(set("User:alice")));
                    fx.metrics.errorsWhile(1, () -> fx.gates("c1-2").isPresent(), 0.08);
                }, request(on(), 3, Mode.GRADUAL)),
                new Scenario("an immediate rollout with a cell down", fx -> fx.cells.failing.add("c2-2"),
                        request(on(), 3, Mode.IMMEDIATE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void aRestartBetweenAnyTwoStepsChangesNothing(Scenario scenario) {
        // Given
        Run straight = Run.of(scenario, Interruption.NONE, -1);

        // When
        List<Run> restarted = each(scenario, Interruption.RESTART_AFTER_STEP, IntStream.rangeClosed(0, straight.steps));

        // Then
        assertThat(straight.end.isTerminal()).isTrue();
        assertEachRingsCellEventsFollowItsHeader(straight);
        for (Run run : restarted) {
            assertEachRingsCellEventsFollowItsHeader(run);
            assertThat(run.end).as(run.label).isEqualTo(straight.end);
            assertThat(run.gates).as(run.label).isEqualTo(straight.gates);
            assertThat(run.writes).as(run.label).isEqualTo(straight.writes);
            assertThat(run.timeline).as(run.label).isEqualTo(straight.timeline);
            assertThat(run.notified).as(run.label).isEqualTo(straight.notified);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void aStepWhoseStateWasNotSavedIsRepeatedWithoutWritingAnyCellAgain(Scenario scenario) {
        // Given
        Run straight = Run.of(scenario, Interruption.NONE, -1);

        // When the row save of step k is lost (its cell facts are kept) and the process restarts
        List<Run> interrupted = each(scenario, Interruption.SAVE_LOST_AT_STEP, IntStream.range(0, straight.steps));

        // Then
        for (Run run : interrupted) {
            assertEachRingsCellEventsFollowItsHeader(run);
            assertThat(run.end).as(run.label).isEqualTo(straight.end);
            assertThat(run.gates).as(run.label).isEqualTo(straight.gates);
            assertThat(run.writes).as(run.label).isEqualTo(straight.writes);
            assertThat(run.notified).as(run.label + ": each notification once").isEqualTo(straight.notified);
            assertThat(count(run.stateEvents())).as(run.label + ": no state change recorded twice or made up")
                    .allSatisfy((event, n) -> assertThat(n).isLessThanOrEqualTo(
                            count(straight.stateEvents()).getOrDefault(event, 0L)));
            assertOncePerCell(run, "cell-changed");
            assertOncePerCell(run, "cell-restored");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void dyingAfterAnyWriteRepeatsAtMostTheWritesOfTheInterruptedStepOnce(Scenario scenario) {
        // Given
        Run straight = Run.of(scenario, Interruption.NONE, -1);

        // When the process dies right after write w, before the step's read-back and save, and restarts
        List<Run> interrupted = each(scenario, Interruption.DIE_AFTER_WRITE,
                IntStream.rangeClosed(1, straight.writes.size()));

        // Then
        assertThat(interrupted).isNotEmpty();
        for (Run run : interrupted) {
            assertEachRingsCellEventsFollowItsHeader(run);
            assertThat(run.end).as(run.label).isEqualTo(straight.end);
            assertThat(run.gates).as(run.label).isEqualTo(straight.gates);
            Map<String, Long> extra = minus(count(run.writes), count(straight.writes));
            assertThat(extra.values()).as(run.label + ": no write lost").allMatch(n -> n >= 0);
            extra.values().removeIf(n -> n == 0);
            assertThat(count(run.landedBeforeDeath)).as(run.label + ": repeats are writes of the interrupted step")
                    .containsAllEntriesOf(extra);
            assertThat(extra.keySet().stream().map(w -> w.substring(0, w.indexOf(' '))))
                    .as(run.label + ": at most one repeat per cell").doesNotHaveDuplicates();
            assertOncePerCell(run, "cell-changed");
            assertOncePerCell(run, "cell-restored");
        }
    }

    @Test
    void aRingWhoseApplyAProcessDiedInIsOnTheTimelineEvenIfAnAbortMeansItIsNeverRepeated() {
        // Given a gradual rollout about to write the cells of ring 1
        EngineFixture f = new EngineFixture();
        long id = f.start(request(on(), 3, Mode.GRADUAL));
        f.stepUntil(id, r -> r.ringIndex() == 1 && r.phase() == Phase.APPLY);

        // When the process dies after the first write of the ring, and an operator aborts before anything restarts
        f.cells.crashAfterWrites = 1;
        assertThatThrownBy(() -> f.engine.step(id, null)).isInstanceOf(FakeCells.ProcessDied.class);
        f.restart();
        f.engine.operate(id, Operation.ABORT, "bob", "stop it");

        // Then the cell written in the dead step holds the change, and the timeline says ring 1's apply had begun
        assertThat(f.rollout(id).state()).isEqualTo(RolloutState.ABORTED);
        assertThat(f.gates("c1-1")).hasValue(Gates.OFF.withEnabled(true));
        assertThat(f.rollout(id).cell("c1-1").status()).as("outcome unknown to Ripple").isEqualTo(CellStatus.SNAPSHOTTED);
        assertThat(f.eventTypes(id)).containsSubsequence("snapshot", "ring-apply", "abort");
        assertThat(f.events(id, "ring-apply")).extracting(TimelineEvent::ring).containsExactly(0, 1);
    }

    private static List<Run> each(Scenario scenario, Interruption how, IntStream at) {
        return at.mapToObj(k -> Run.of(scenario, how, k)).toList();
    }

    /**
     * Read in order (by event id), a ring's cell events come after the one event that opens them: a ring's
     * {@code cell-changed} events after its single {@code ring-apply}, its {@code cell-restored} after a
     * {@code ring-restore}, whether or not the step that wrote them could save its state.
     */
    private static void assertEachRingsCellEventsFollowItsHeader(Run run) {
        assertNoEmptySnapshot(run);
        List<TimelineEvent> events = run.events;
        for (Integer ring : events.stream().map(TimelineEvent::ring).filter(java.util.Objects::nonNull).distinct()
                .toList()) {
            List<Integer> applies = indexes(events, "ring-apply", ring);
            List<Integer> changed = indexes(events, "cell-changed", ring);
            if (!changed.isEmpty()) {
                assertThat(applies).as(run.label + ": one ring-apply for ring " + ring).hasSize(1);
                assertThat(applies.get(0)).as(run.label + ": ring " + ring + " ring-apply before its cell-changed")
                        .isLessThan(changed.get(0));
            }
            List<Integer> restores = indexes(events, "ring-restore", ring);
            List<Integer> restored = indexes(events, "cell-restored", ring);
            if (!restored.isEmpty()) {
                assertThat(restores).as(run.label + ": ring " + ring + " restored").isNotEmpty();
                assertThat(restores.get(0)).as(run.label + ": ring " + ring + " ring-restore before its cell-restored")
                        .isLessThan(restored.get(0));
            }
        }
    }

    /** A snapshot step repeated after its cells were read (its state change lost) has nothing to read or record. */
    private static void assertNoEmptySnapshot(Run run) {
        assertThat(run.events.stream().filter(e -> e.type().equals("snapshot")).map(TimelineEvent::message))
                .as(run.label + ": snapshot events").noneMatch(m -> m.endsWith(" of 0 cells before the change"));
    }

    private static List<Integer> indexes(List<TimelineEvent> events, String type, int ring) {
        return IntStream.range(0, events.size())
                .filter(i -> events.get(i).type().equals(type) && Integer.valueOf(ring).equals(events.get(i).ring()))
                .boxed().toList();
    }

    private static void assertOncePerCell(Run run, String type) {
        assertThat(run.events.stream().filter(e -> e.type().equals(type)).map(TimelineEvent::cell))
                .as(run.label + ": " + type + " once per cell").doesNotHaveDuplicates();
    }

    private static Map<String, Long> count(List<String> writes) {
        return writes.stream().collect(Collectors.groupingBy(w -> w, LinkedHashMap::new, Collectors.counting()));
    }

    private static Map<String, Long> minus(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> out = new HashMap<>(a);
        b.forEach((w, n) -> out.merge(w, -n, Long::sum));
        return out;
    }

    enum Interruption { NONE, RESTART_AFTER_STEP, SAVE_LOST_AT_STEP, DIE_AFTER_WRITE }

    /** One run of a scenario to its end, interrupted once (or not), and what it left behind. */
    static final class Run {
        String label;
        RolloutState end;
        int steps;
        Map<String, Optional<Gates>> gates;
        List<String> writes;
        List<String> landedBeforeDeath = List.of();
        List<TimelineEvent> events;
        List<String> timeline;
        List<RolloutNotification.Event> notified;

        static Run of(Scenario scenario, Interruption how, int at) {
            Run run = new Run();
            run.label = scenario.name() + ", " + how.name().toLowerCase().replace('_', ' ') + " " + at;
            EngineFixture f = new EngineFixture();
            scenario.world().accept(f);
            long id = f.start(scenario.request());
            if (how == Interruption.DIE_AFTER_WRITE) {
                f.cells.crashAfterWrites = at;
            }
            while (run.steps < MAX_STEPS) {
                if (how == Interruption.SAVE_LOST_AT_STEP && run.steps == at) {
                    f.store.failNextSave = true;
                }
                int writesBefore = f.cells.writes.size();
                try {
                    if (!f.stepOnce(id)) {
                        break;
                    }
                } catch (FakeCells.ProcessDied died) {
                    run.landedBeforeDeath = List.copyOf(f.cells.writes.subList(writesBefore, f.cells.writes.size()));
                    f.restart();
                    run.steps++;
                    continue;
                }
                run.steps++;
                boolean restartNow = how == Interruption.RESTART_AFTER_STEP && run.steps == at
                        || how == Interruption.SAVE_LOST_AT_STEP && run.steps == at + 1;
                if (restartNow) {
                    f.restart();
                }
            }
            run.end = f.rollout(id).state();
            run.gates = new LinkedHashMap<>();
            f.topology.cells().stream().map(Cell::id).forEach(c -> run.gates.put(c, f.gates(c)));
            run.writes = List.copyOf(f.cells.writes);
            run.events = f.store.events(id);
            run.timeline = new ArrayList<>();
            run.events.forEach(e -> run.timeline.add(e.at() + " " + e.type() + " " + e.ring() + " " + e.cell() + " "
                    + e.actor() + " " + e.message() + " " + e.detail()));
            run.notified = f.notified();
            return run;
        }

        /** The timeline without the facts about cells: events stored only with the state change they report. */
        List<String> stateEvents() {
            return IntStream.range(0, events.size()).filter(i -> !RolloutEvents.isFact(events.get(i).type()))
                    .mapToObj(timeline::get).toList();
        }
    }
}
