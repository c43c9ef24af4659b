package dev.ripple.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON documents of the query API. Timestamps are instants; a cell's age is now minus {@code readAt}. */
final class Views {
    private Views() {
    }

    record TopologyView(String version, Instant loadedAt, String directory, List<RingView> rings) {
    }

    record RingView(int id, String name, boolean quarantine, boolean skipGradual, String bake,
                    List<CheckRuleView> checks, List<CellView> cells) {
    }

    record CheckRuleView(String check, double halt, Double rollback) {
    }

    record CellView(String id, int ring, String adapter, String url, String credential, Map<String, String> labels,
                    Reachability reachability) {
    }

    /** {@code status}: reachable (last read succeeded), unreachable (it failed), unknown (never tried). */
    record Reachability(String status, Instant readAt, Instant lastAttemptAt, String error, Instant staleSince,
                        String breaker, Instant breakerOpenUntil) {
    }

    /** A page of flags by name; {@code total} counts every match, {@code nextAfter} continues (null: the last). */
    record FlagListView(int total, List<FlagSummaryView> flags, String nextAfter) {
    }

    record FlagSummaryView(String name, boolean defined, String type, String owner, List<RingSummary> rings) {
    }

    /**
     * One flag in one ring: {@code uniform} when every cell agrees ({@code value} is then that value), otherwise
     * {@code value} is "mixed" and {@code breakdown} says how many cells hold what.
     */
    record RingSummary(int ring, String name, boolean uniform, String value, int cells, int staleCells,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ValueCount> breakdown) {
    }

    record ValueCount(String value, int cells) {
    }

    record FlagView(String name, DefinitionView definition, boolean fresh, int staleCells, List<RingFlagView> rings) {
    }

    record DefinitionView(String owner, String type, String description, String group, boolean defaultEnabled,
                          Map<String, String> links, String bake, List<CheckRuleView> checks) {
    }

    record RingFlagView(int ring, String name, RingSummary summary, List<CellFlagView> cells) {
    }

    /** One cell's view of one flag. {@code persisted} is false when the cell has never stored the flag. */
    record CellFlagView(String cell, boolean persisted, String state, String value, GatesView gates, Instant readAt,
                        boolean stale, @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record GatesView(@JsonProperty("boolean") boolean enabled, BigDecimal percentageOfActors,
                     BigDecimal percentageOfTime, List<String> actors, List<String> groups) {
    }

    record CellFlagsView(String cell, int ring, Instant readAt, boolean stale, String error, boolean fresh,
                         List<CellFlagEntry> flags) {
    }

    record CellFlagEntry(String name, boolean defined, String state, String value, GatesView gates) {
    }

    record ReloadView(String trigger, Instant at, boolean applied, boolean changed, String version,
                      List<ProblemView> problems) {
    }

    record ProblemView(String file, int line, String path, String reason, String text) {
    }

    record ValidationView(boolean valid, String version, Integer rings, Integer cells, Integer flags,
                          List<ProblemView> problems) {
    }

    record ValidateRequest(Map<String, String> files) {
    }

    record RefreshView(Instant startedAt, long tookMillis, int cells, int ok, int failed) {
    }

    /**
     * An incident. {@code source}: {@code api}, {@code alertmanager} or {@code ripple}; {@code openedBy},
     * {@code closedBy} and {@code closedAt} only for incidents opened through the API.
     */
    record IncidentEntry(String id, int ring, String severity, String title, String link, String source,
                         Instant since, boolean active, String openedBy, String closedBy, Instant closedAt) {
    }

    record IncidentList(int total, List<IncidentEntry> incidents) {
    }

    record OpenIncidentRequest(Integer ring, String severity, String title, String link) {
    }
}
