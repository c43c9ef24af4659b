package dev.ripple.topology;

import dev.ripple.flags.FlagDefinition;
import dev.ripple.flags.FlagType;
import dev.ripple.health.CheckRule;
import dev.ripple.health.Direction;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RingsLoaderTest {
    private static final Path SHIPPED = Path.of("rings");
    private static final Path BROKEN = Path.of("src/test/resources/rings-broken");

    private final RingsLoader loader = new RingsLoader(true);

    @Test
    void loadsTheShippedTree() {
        // When
        Topology topology = loaded(loader.load(SHIPPED));

        // Then
        assertThat(topology.rings()).extracting(Ring::id).containsExactly(-1, 0, 1, 2, 3);
        assertThat(topology.rings()).extracting(r -> r.cells().size()).containsExactly(1, 1, 3, 4, 6);
        assertThat(topology.rings()).extracting(Ring::isQuarantine).containsExactly(true, false, false, false, false);
        assertThat(topology.rings()).extracting(r -> r.policy().skipGradual()).containsOnly(false);
        assertThat(topology.ring(0).orElseThrow().policy().defaults().bake()).contains(Duration.ofMinutes(5));
        assertThat(topology.ring(1).orElseThrow().policy().defaults().checks()).containsExactly(
                new CheckRule("error-ratio", 0.02, Optional.of(0.05)),
                new CheckRule("admin-latency-p99", 1.5, Optional.empty()));
        assertThat(topology.cell("q-1").orElseThrow().ring()).isEqualTo(-1);
        assertThat(topology.cells()).hasSize(15).allSatisfy(cell -> {
            assertThat(cell.adapter()).isEqualTo("gitlab");
            assertThat(cell.url()).isEqualTo(URI.create("sandbox://" + cell.id()));
            assertThat(cell.isSandbox()).isTrue();
            assertThat(cell.credential()).hasToString("env:RIPPLE_SANDBOX_TOKEN");
        });
        assertThat(topology.cell("st-5").orElseThrow().labels())
                .containsEntry("region", "ap-southeast-1").containsEntry("provider", "gcp");

        assertThat(topology.checks()).containsOnlyKeys("admin-latency-p99", "error-ratio");
        assertThat(topology.checks().values()).extracting(c -> c.unhealthyWhen()).containsOnly(Direction.ABOVE);
        assertThat(topology.checks().get("admin-latency-p99").query()).startsWith("histogram_quantile(0.99,");

        assertThat(topology.flags()).containsOnlyKeys("ci_kill_switch", "new_search_ui", "pricing_page_experiment");
        assertThat(topology.flags().values()).extracting(FlagDefinition::type)
                .containsExactly(FlagType.OPS, FlagType.DERISK, FlagType.EXPERIMENT);
        FlagDefinition search = topology.flag("new_search_ui").orElseThrow();
        assertThat(search.owner()).isEqualTo("@search-team");
        assertThat(search.group()).isEqualTo("group::global search");
        assertThat(search.links()).containsKeys("rollout-issue", "feature-issue", "introduced-by");
        assertThat(search.rollout().bake()).contains(Duration.ofHours(1));
        assertThat(search.rollout().checks()).containsExactly(new CheckRule("error-ratio", 0.01, Optional.of(0.03)));
        assertThat(topology.version()).matches("[0-9a-f]{64}");
    }

    @Test
    void shippedTreeIsRefusedWhenTheSandboxIsDisabled() {
        // When
        List<String> problems = problems(new RingsLoader(false).load(SHIPPED));

        // Then
        assertThat(problems).hasSize(15).allMatch(p -> p.endsWith(
                ".url: points at the sandbox fleet, which is disabled (ripple.sandbox.enabled=false)"));
        assertThat(problems).contains("topology/quarantine.yaml:10: cells[0].url: points at the sandbox fleet,"
                + " which is disabled (ripple.sandbox.enabled=false)");
    }

    @Test
    void brokenTreeReportsEveryProblemAtOnce() {
        // When
        List<String> problems = problems(loader.load(BROKEN));

        // Then
        assertThat(problems).containsExactly(
                "checks.yaml:8: checks.bad-query.query: unknown template variable {{cell}};"
                        + " use {{ring}}, {{cells}} or {{flag}}",
                "checks.yaml:8: checks.bad-query.query: unbalanced brackets: '(' at line 1, column 4 of the query"
                        + " is never closed",
                "checks.yaml:10: checks.slow.unhealthy-when: unknown direction \"sideways\";"
                        + " use above (higher is worse) or below (lower is worse)",
                "flags/broken.yaml:3: not valid YAML: expected ',' or ']', but got :"
                        + " (while parsing a flow sequence started at line 2)",
                "flags/new_search_ui.yaml:1: name: must equal the file name (new_search_ui), got \"new_search\";"
                        + " rename the file or the flag",
                "flags/new_search_ui.yaml:3: type: unknown flag type \"feature\"; use one of: derisk, ops, experiment",
                "flags/new_search_ui.yaml:5: default-enabled: write true or false, not yes",
                "flags/new_search_ui.yaml:7: links.rollout-issue: not an absolute http(s) URL:"
                        + " \"gitlab.example.com/issues/1\"",
                "flags/new_search_ui.yaml:8: links.docs: unknown key;"
                        + " expected one of: rollout-issue, feature-issue, introduced-by",
                "flags/new_search_ui.yaml:14: rollout.checks[1].check: unknown check \"unknown-check\";"
                        + " checks.yaml defines: bad-query, error-ratio, slow",
                "stray.yaml: not part of the rings/ layout; YAML files belong in checks.yaml, topology/ or flags/",
                "topology/nested/: not part of the rings/ layout; topology/ has no subfolders",
                "topology/quarantine.yaml:5: policy.skip-gradual: meaningless on the quarantine ring,"
                        + " which gradual rollouts never touch; remove it",
                "topology/quarantine.yaml:6: policy.bake: must be longer than zero: \"0s\"",
                "topology/ring-1.yaml:2: id: ring 1 is also declared in topology/ring-1-copy.yaml:1;"
                        + " ring ids are unique",
                "topology/ring-1.yaml:4: name: duplicate key (first at line 3); each key may appear once",
                "topology/ring-1.yaml:6: policy.bake: not a duration: \"1.5h\"; write a number and a unit"
                        + " (ms, s, m, h, d), optionally chained, e.g. 90s, 30m, 1h30m, 2d",
                "topology/ring-1.yaml:7: policy.skip_gradual: unknown key;"
                        + " expected one of: skip-gradual, quarantine, bake, checks",
                "topology/ring-1.yaml:11: policy.checks[0].rollback: must be strictly above halt (0.05)"
                        + " because error-ratio is unhealthy when above, got 0.02",
                "topology/ring-1.yaml:12: policy.checks[1].check: check \"error-ratio\" is already listed at"
                        + " policy.checks[0]; list each check once",
                "topology/ring-1.yaml:14: policy.checks[2].check: unknown check \"latency\";"
                        + " checks.yaml defines: bad-query, error-ratio, slow",
                "topology/ring-1.yaml:15: policy.checks[2].halt: expected a number, got a string (\"0.5\");"
                        + " remove the quotes",
                "topology/ring-1.yaml:17: cells[0].id: cell \"ea-1\" is already declared at"
                        + " topology/ring-1-copy.yaml:4 (cells[0].id); a cell belongs to one ring, once",
                "topology/ring-1.yaml:19: cells[0].url: not an absolute http(s) URL: \"htp:/x\"",
                "topology/ring-1.yaml:20: cells[0].credential: not a credential reference"
                        + " (value not shown, it may be a secret); write env:NAME or file:/absolute/path",
                "topology/ring-1.yaml:21: cells[1].id: not a valid cell id: \"EA_2\"; use ^[a-z0-9][a-z0-9-]{0,62}$"
                        + " (lower case letters, digits and -, at most 63 characters)",
                "topology/ring-1.yaml:22: cells[1].adapter: unknown adapter \"github\"; known adapters: gitlab",
                "topology/ring-1.yaml:23: cells[1].url: not an absolute http(s) URL:"
                        + " \"https://cell.example.com/?token=1\"",
                "topology/ring-1.yaml:25: cells[1].labels.region: expected a string, got a number (1);"
                        + " put it in quotes",
                "topology/ring-1.yaml:28: cells[2].url: sandbox URL names cell \"ea-4\" but this cell is \"ea-3\";"
                        + " write sandbox://ea-3",
                "topology/ring-1.yaml:30: cells[3]: missing required keys: adapter, credential",
                "topology/ring-5.yaml:1: missing required key: name",
                "topology/ring-5.yaml:3: policy.quarantine: only ring -1 may be the quarantine ring;"
                        + " this ring's id is 5");
        assertThat(String.join("\n", problems)).doesNotContain("SECRET");
    }

    @Test
    void duplicateKeysAreReportedWithBothLines() {
        // Given
        Map<String, String> tree = Map.of("topology/ring-1.yaml", """
                id: 1
                name: one
                cells:
                  - id: c-1
                    adapter: gitlab
                    url: https://c-1.example.com
                    url: https://c-2.example.com
                    credential: env:TOKEN
                """);

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-1.yaml:7: cells[0].url: duplicate key (first at line 6); each key may appear once");
    }

    @Test
    void unknownKeysNameWhatIsAccepted() {
        // Given
        Map<String, String> tree = Map.of("topology/ring-1.yaml", """
                id: 1
                name: one
                color: blue
                cells:
                  - id: c-1
                    adapter: gitlab
                    url: https://c-1.example.com
                    credentials: env:TOKEN
                """);

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-1.yaml:3: color: unknown key; expected one of: id, name, policy, cells",
                "topology/ring-1.yaml:5: cells[0]: missing required key: credential",
                "topology/ring-1.yaml:8: cells[0].credentials: unknown key;"
                        + " expected one of: id, adapter, url, credential, labels");
    }

    @Test
    void badUrlsAreRefused() {
        // Given
        Map<String, String> tree = Map.of("topology/ring-1.yaml", ring(1, "one",
                cell("a-1", "ftp://a-1.example.com"), cell("a-2", "https://"),
                cell("a-3", "https://user:pw@a-3.example.com"), cell("a-4", "https://a-4.example.com/gitlab#x"),
                cell("a-5", "https://a-5.example.com:8443/gitlab")));

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-1.yaml:6: cells[0].url: not an absolute http(s) URL: \"ftp://a-1.example.com\"",
                "topology/ring-1.yaml:10: cells[1].url: not an absolute http(s) URL: \"https://\"",
                "topology/ring-1.yaml:14: cells[2].url: not an absolute http(s) URL:"
                        + " \"https://user:pw@a-3.example.com\"",
                "topology/ring-1.yaml:18: cells[3].url: not an absolute http(s) URL:"
                        + " \"https://a-4.example.com/gitlab#x\"");
    }

    @Test
    void badDurationsSayTheAcceptedFormat() {
        // Given
        Map<String, String> tree = new HashMap<>();
        String[] bakes = {"30", "\"1.5h\"", "\"30 m\"", "\"1w\"", "\"0m\"", "\"m\""};
        for (int i = 0; i < bakes.length; i++) {
            tree.put("topology/ring-" + i + ".yaml", "id: " + i + "\nname: r" + i + "\npolicy:\n  bake: " + bakes[i]
                    + "\n");
        }

        // When / Then
        String format = "a number and a unit (ms, s, m, h, d), optionally chained, e.g. 90s, 30m, 1h30m, 2d";
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-0.yaml:4: policy.bake: expected a duration (" + format + "), got a number (30)",
                "topology/ring-1.yaml:4: policy.bake: not a duration: \"1.5h\"; write " + format,
                "topology/ring-2.yaml:4: policy.bake: not a duration: \"30 m\"; write " + format,
                "topology/ring-3.yaml:4: policy.bake: not a duration: \"1w\"; write " + format,
                "topology/ring-4.yaml:4: policy.bake: must be longer than zero: \"0m\"",
                "topology/ring-5.yaml:4: policy.bake: not a duration: \"m\"; write " + format);
    }

    @Test
    void durationsAcceptChainedUnits() {
        assertThat(Durations.parse("90s")).contains(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).contains(Duration.ofDays(2));
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("1m30s500ms")).contains(Duration.ofMillis(90_500));
        assertThat(Durations.parse("")).isEmpty();
        assertThat(Durations.parse("99999999999999999999d")).isEmpty();
    }

    @Test
    void thresholdsMustNotContradictTheCheckDirection() {
        // Given
        Map<String, String> tree = Map.of(
                "checks.yaml", """
                        checks:
                          errors: {unhealthy-when: above, query: 'sum(rate(errors{cell=~"{{cells}}"}[1m]))'}
                          success: {unhealthy-when: below, query: 'avg(success_ratio{ring="{{ring}}"})'}
                        """,
                "topology/ring-1.yaml", """
                        id: 1
                        name: one
                        policy:
                          checks:
                            - {check: errors, halt: 0.1, rollback: 0.1}
                            - {check: success, halt: 0.9, rollback: 0.95}
                        """,
                "flags/f.yaml", """
                        name: f
                        owner: "@me"
                        type: ops
                        description: d
                        rollout:
                          checks:
                            - {check: errors, halt: .nan}
                            - {check: success, halt: 0.9, rollback: 0.8}
                        """);

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "flags/f.yaml:7: rollout.checks[0].halt: must be a finite number, got .nan",
                "topology/ring-1.yaml:5: policy.checks[0].rollback: must be strictly above halt (0.1)"
                        + " because errors is unhealthy when above, got 0.1",
                "topology/ring-1.yaml:6: policy.checks[1].rollback: must be strictly below halt (0.9)"
                        + " because success is unhealthy when below, got 0.95");
    }

    @Test
    void aCellBelongsToOneRingOnce() {
        // Given
        Map<String, String> tree = Map.of(
                "topology/ring-1.yaml", ring(1, "one", cell("c-1", "https://c-1.example.com"),
                        cell("c-1", "https://c-1b.example.com")),
                "topology/ring-2.yaml", ring(2, "two", cell("c-1", "https://c-1.example.com")));

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-1.yaml:8: cells[1].id: cell \"c-1\" is already declared at topology/ring-1.yaml:4"
                        + " (cells[0].id); a cell belongs to one ring, once",
                "topology/ring-2.yaml:4: cells[0].id: cell \"c-1\" is already declared at topology/ring-1.yaml:4"
                        + " (cells[0].id); a cell belongs to one ring, once");
    }

    @Test
    void unknownChecksListTheKnownOnes() {
        // Given
        String flag = """
                name: f
                owner: "@me"
                type: derisk
                description: d
                rollout:
                  checks:
                    - {check: latency, halt: 1}
                """;
        Map<String, String> withoutChecks = Map.of("topology/ring-1.yaml", ring(1, "one"), "flags/f.yaml", flag);
        Map<String, String> withChecks = new HashMap<>(withoutChecks);
        withChecks.put("checks.yaml", "checks:\n  errors: {unhealthy-when: above, query: errors_total}\n");

        // When / Then
        assertThat(problems(loader.load(withoutChecks))).containsExactly(
                "flags/f.yaml:7: rollout.checks[0].check: unknown check \"latency\":"
                        + " there is no checks.yaml to define it");
        assertThat(problems(loader.load(withChecks))).containsExactly(
                "flags/f.yaml:7: rollout.checks[0].check: unknown check \"latency\"; checks.yaml defines: errors");
    }

    @Test
    void flagNameMustMatchItsFile() {
        // Given
        Map<String, String> tree = Map.of(
                "topology/ring-1.yaml", ring(1, "one"),
                "flags/new_search_ui.yaml", "name: new_search\nowner: x\ntype: ops\ndescription: d\n",
                "flags/Bad-Name.yaml", "name: Bad-Name\nowner: x\ntype: ops\ndescription: d\n",
                "flags/other.yml", "name: other\nowner: x\ntype: ops\ndescription: d\n");

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "flags/Bad-Name.yaml:1: name: not a valid flag name: \"Bad-Name\"; use ^[a-z][a-z0-9_]*$"
                        + " (lower case letters, digits and _), at most 100 characters",
                "flags/new_search_ui.yaml:1: name: must equal the file name (new_search_ui), got \"new_search\";"
                        + " rename the file or the flag",
                "flags/other.yml: flag files are named after the flag with .yaml: NAME.yaml");
    }

    @Test
    void quarantineIsRingMinusOneAndOnlyIt() {
        // Given
        Map<String, String> tree = Map.of(
                "topology/quarantine.yaml", "id: -1\nname: quarantine\n",
                "topology/ring-2.yaml", "id: 2\nname: two\npolicy:\n  quarantine: true\n",
                "topology/ring-x.yaml", "id: -2\nname: minus-two\n");

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/quarantine.yaml:1: id: ring -1 is the quarantine ring; set policy.quarantine: true",
                "topology/ring-2.yaml:4: policy.quarantine: only ring -1 may be the quarantine ring;"
                        + " this ring's id is 2",
                "topology/ring-x.yaml:1: id: must be -1 (the quarantine ring) or greater, got -2");
    }

    @Test
    void sandboxCellsAreRefusedWhenTheSandboxIsDisabled() {
        // Given
        Map<String, String> tree = Map.of("topology/ring-1.yaml",
                ring(1, "one", cell("s-1", "sandbox://s-1"), cell("c-1", "https://c-1.example.com")));

        // When / Then
        assertThat(problems(new RingsLoader(false).load(tree))).containsExactly(
                "topology/ring-1.yaml:6: cells[0].url: points at the sandbox fleet, which is disabled"
                        + " (ripple.sandbox.enabled=false)");
        assertThat(loaded(loader.load(tree)).cells()).extracting(Cell::isSandbox).containsExactly(true, false);
    }

    @Test
    void unreadableFilesSayWhereAndWhy() {
        // Given
        Map<String, String> tree = Map.of(
                "topology/ring-1.yaml", "id: 1\nname: one\ncells:\n  - id: c-1\n   adapter: gitlab\n",
                "topology/ring-2.yaml", "",
                "topology/ring-3.yaml", "id: 3\nname: three\n---\nid: 4\nname: four\n",
                "topology/ring-4.yaml", "- id: 4\n",
                "topology/ring-5.yaml", "id: \"5\"\nname: 5\n");

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "topology/ring-1.yaml:5: not valid YAML: expected <block end>, but found '<block mapping start>'"
                        + " (while parsing a block collection started at line 4)",
                "topology/ring-2.yaml:1: file is empty; a YAML mapping is expected",
                "topology/ring-3.yaml:4: more than one YAML document (---); each file holds exactly one",
                "topology/ring-4.yaml:1: expected a mapping, got a list",
                "topology/ring-5.yaml:1: id: expected a whole number, got a string (\"5\")",
                "topology/ring-5.yaml:2: name: expected a string, got a number (5); put it in quotes");
    }

    @Test
    void queryTemplatesAreLinted() {
        assertThat(QueryTemplate.problems("sum(rate(x{cell=~\"{{ cells }}\",ring=\"{{ring}}\",f=\"{{flag}}\"}[1m]))"))
                .isEmpty();
        assertThat(QueryTemplate.problems("sum(x{a=\")\"})")).isEmpty();
        assertThat(QueryTemplate.problems("sum(x{a=\"{{cell}}\"}))")).containsExactly(
                "unknown template variable {{cell}}; use {{ring}}, {{cells}} or {{flag}}",
                "unbalanced brackets: ')' at line 1, column 21 of the query closes nothing");
        assertThat(QueryTemplate.problems("sum(x{a=\"b\")}")).containsExactly(
                "unbalanced brackets: ')' at line 1, column 12 of the query does not close '{' at line 1,"
                        + " column 6 of the query");
        assertThat(QueryTemplate.problems("x{a=\"b}")).containsExactly(
                "unterminated string literal starting at line 1, column 5 of the query");
    }

    @Test
    void layoutIsEnforced() {
        // Given
        Map<String, String> tree = Map.of(
                "README.md", "# ignored",
                "topology/.gitkeep", "",
                "cells.yaml", "x: 1",
                "topology/eu/ring-1.yaml", "id: 1",
                "../escape.yaml", "x: 1");

        // When / Then
        assertThat(problems(loader.load(tree))).containsExactly(
                "../escape.yaml: not a relative path inside rings/ (use / between folders)",
                "cells.yaml: not part of the rings/ layout; YAML files belong in checks.yaml, topology/ or flags/",
                "topology/: no rings: add one file per ring to topology/, e.g. topology/ring-0.yaml",
                "topology/eu/: not part of the rings/ layout; topology/ has no subfolders");
    }

    @Test
    void aRingWithoutCellsIsFine() {
        // When
        Topology topology = loaded(loader.load(Map.of("topology/ring-0.yaml", "id: 0\nname: qa\ncells: []\n")));

        // Then
        assertThat(topology.rings()).singleElement().satisfies(r -> assertThat(r.cells()).isEmpty());
    }

    @Test
    void versionIsAStableDigestOfTheFilesRead() throws Exception {
        // Given
        Map<String, String> tree = new HashMap<>();
        try (Stream<Path> files = Files.walk(SHIPPED)) {
            files.filter(Files::isRegularFile).forEach(f -> tree.put(
                    SHIPPED.relativize(f).toString().replace('\\', '/'), read(f)));
        }

        // When
        String fromDisk = loaded(loader.load(SHIPPED)).version();
        String again = loaded(loader.load(SHIPPED)).version();
        String fromMap = loaded(loader.load(tree)).version();
        tree.put("README.md", "edited: not a file the loader reads");
        String readmeEdited = loaded(loader.load(tree)).version();
        tree.put("topology/ring-1.yaml", tree.get("topology/ring-1.yaml") + "# a comment\n");
        String ringEdited = loaded(loader.load(tree)).version();

        // Then
        assertThat(again).isEqualTo(fromDisk);
        assertThat(fromMap).isEqualTo(fromDisk);
        assertThat(readmeEdited).isEqualTo(fromDisk);
        assertThat(ringEdited).isNotEqualTo(fromDisk);
    }

    private static String ring(int id, String name, String... cells) {
        return "id: " + id + "\nname: " + name + "\n" + (cells.length == 0 ? "" : "cells:\n" + String.join("", cells));
    }

    private static String cell(String id, String url) {
        return "  - id: " + id + "\n    adapter: gitlab\n    url: " + url + "\n    credential: env:TOKEN\n";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Topology loaded(LoadResult result) {
        assertThat(result).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) result).topology();
    }

    private static List<String> problems(LoadResult result) {
        assertThat(result).isInstanceOf(LoadResult.Invalid.class);
        return ((LoadResult.Invalid) result).problems().stream().map(Problem::toString).toList();
    }
}
