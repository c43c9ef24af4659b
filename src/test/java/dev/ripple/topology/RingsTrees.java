package dev.ripple.topology;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Generated {@code rings/} trees for the property tests: a valid tree (checks, a quarantine ring, two to four rings,
 * flags, each with random names, cells, thresholds and URLs), then at most one mutation, with what the loader must
 * answer for it: the file and the words its problem must name.
 */
final class RingsTrees {

    /** The kinds of damage done to a valid tree; {@code NONE} leaves it valid. */
    enum Mutation {
        NONE, YAML_SYNTAX, EMPTY_FILE, RANDOM_CONTENT, WRONG_TYPE_ID, WRONG_TYPE_CELLS, WRONG_TYPE_BOOL,
        HALT_NOT_A_NUMBER, OUT_OF_RANGE_ID, DUPLICATE_CELL, DUPLICATE_RING_ID, DUPLICATE_RING_NAME, DUPLICATE_YAML_KEY,
        UNKNOWN_KEY, BAD_DURATION, FLAG_BAD_DURATION, BAD_URL, BAD_FLAG_LINK, INLINE_CREDENTIAL, BAD_QUERY,
        BAD_DIRECTION, ROLLBACK_NOT_WORSE, UNKNOWN_CHECK, MISSING_KEY, NO_TOPOLOGY, NO_CHECKS_FILE,
        FLAG_NAME_MISMATCH, BAD_CELL_ID, UNKNOWN_ADAPTER, STRAY_FILE, QUARANTINE_ELSEWHERE, BAD_LABELS, YAML_ALIAS
    }

    /**
     * One tree. {@code file} is where the loader must report the problem and {@code names} a word its
     * {@code path: reason} must contain (null: any problem of that file will do); {@code secret} must appear in no
     * problem; {@code valid} says whether the tree must load.
     */
    record Tree(Mutation mutation, Map<String, String> files, boolean valid, String file, String names, String secret,
                List<Integer> ringIds, int cellCount) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(mutation + " (expect " + (valid ? "valid" : file + " naming " + names)
                    + ")");
            files.forEach((path, content) -> b.append("\n--- ").append(path).append('\n').append(content));
            return b.toString();
        }
    }

    private RingsTrees() {
    }

    static Arbitrary<Tree> trees() {
        return Arbitraries.of(Mutation.values()).flatMap(m -> Arbitraries.randomValue(random -> build(m, random)));
    }

    // ---- the model -------------------------------------------------------------------------------------------------

    private static final class Check {
        String name;
        String direction = "above";
        String query;
        String extra;
        boolean dropQuery;
    }

    private static final class Rule {
        String check;
        String halt;
        String rollback;
    }

    private static final class CellModel {
        String id;
        String adapter = "gitlab";
        String url;
        String credential;
        String labels;
        String extra;
        String drop;
    }

    private static final class RingModel {
        String file;
        String id;
        String name;
        boolean quarantine;
        String skipGradual = "false";
        String bake;
        String cellsRaw;
        List<Rule> rules = new ArrayList<>();
        List<CellModel> cells = new ArrayList<>();
        String extra;
        String drop;
        String duplicateKey;
        String policyExtra;
    }

    private static final class FlagModel {
        String file;
        String name;
        String type;
        String link;
        String bake;
        List<Rule> rules = new ArrayList<>();
        String drop;
    }

    private static final String[] QUERIES = {
        "sum(rate(http_requests_total{cell=~\"{{cells}}\",code=~\"5..\"}[1m]))\n  / sum(rate(http_requests_total{cell=~\"{{cells}}\"}[1m]))",
        "histogram_quantile(0.99, sum by (le) (rate(latency_bucket{ring=\"{{ring}}\"}[5m])))",
        "avg(apdex{cell=~\"{{ cells }}\", flag=\"{{flag}}\"})",
        "max(up{job=\"gitlab\"})"};

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static String word(Random r, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder();
        b.append((char) ('a' + r.nextInt(26)));
        for (int i = 1; i < n; i++) {
            b.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(r.nextInt(36)));
        }
        return b.toString();
    }

    private static Rule rule(Random r, Check check) {
        Rule rule = new Rule();
        rule.check = check.name;
        double halt = 0.01 + r.nextInt(200) / 100.0;
        rule.halt = String.valueOf(halt);
        if (r.nextBoolean()) {
            double step = 0.01 + r.nextInt(50) / 100.0;
            rule.rollback = String.valueOf(check.direction.equals("above") ? halt + step : halt - step);
        }
        return rule;
    }

    static Tree build(Mutation mutation, Random r) {
        List<Check> checks = new ArrayList<>();
        int checkCount = 1 + r.nextInt(3);
        for (int i = 0; i < checkCount; i++) {
            Check c = new Check();
            c.name = word(r, 3, 10) + "-" + i;
            c.direction = r.nextInt(4) == 0 ? "below" : "above";
            c.query = QUERIES[r.nextInt(QUERIES.length)];
            checks.add(c);
        }
        List<RingModel> rings = new ArrayList<>();
        int cellSerial = 0;
        RingModel quarantine = new RingModel();
        quarantine.file = "topology/quarantine.yaml";
        quarantine.id = "-1";
        quarantine.name = "quarantine";
        quarantine.quarantine = true;
        rings.add(quarantine);
        int ringCount = 2 + r.nextInt(3);
        for (int i = 0; i < ringCount; i++) {
            RingModel ring = new RingModel();
            ring.file = "topology/ring-" + i + ".yaml";
            ring.id = String.valueOf(i);
            ring.name = word(r, 2, 8) + "-" + i;
            ring.bake = pick(r, "30m", "1h", "90s", "1h30m", "2d", "500ms");
            ring.skipGradual = i == 0 ? "false" : pick(r, "false", "true", "false");
            for (Check c : checks) {
                if (r.nextBoolean() || ring.rules.isEmpty()) {
                    ring.rules.add(rule(r, c));
                }
            }
            rings.add(ring);
        }
        for (RingModel ring : rings) {
            int cells = 1 + r.nextInt(3);
            for (int j = 0; j < cells; j++) {
                CellModel cell = new CellModel();
                cell.id = word(r, 1, 6) + "-" + cellSerial++;
                cell.url = r.nextBoolean() ? "sandbox://" + cell.id : "https://" + cell.id + ".gitlab.example.com";
                cell.credential = r.nextBoolean() ? "env:TOKEN_" + j : "file:/run/secrets/" + cell.id;
                cell.labels = r.nextBoolean() ? "{region: eu-west-" + j + ", provider: gcp}" : null;
                ring.cells.add(cell);
            }
        }
        List<FlagModel> flags = new ArrayList<>();
        int flagCount = 1 + r.nextInt(2);
        for (int i = 0; i < flagCount; i++) {
            FlagModel f = new FlagModel();
            f.name = word(r, 3, 12) + "_" + i;
            f.file = "flags/" + f.name + ".yaml";
            f.type = pick(r, "derisk", "ops", "experiment");
            f.link = "https://gitlab.example.com/org/proj/-/issues/" + r.nextInt(1000);
            f.bake = r.nextBoolean() ? pick(r, "1h", "45m") : null;
            f.rules.add(rule(r, checks.get(r.nextInt(checks.size()))));
            flags.add(f);
        }

        // ---- the mutation ----
        List<RingModel> normal = rings.subList(1, rings.size());
        RingModel ring = normal.get(r.nextInt(normal.size()));
        RingModel other = normal.get((normal.indexOf(ring) + 1) % normal.size());
        int cellIndex = r.nextInt(ring.cells.size());
        CellModel cell = ring.cells.get(cellIndex);
        String cellPath = "cells[" + cellIndex + "]";
        Check check = checks.get(r.nextInt(checks.size()));
        FlagModel flag = flags.get(0);
        String file = null;
        String names = null;
        String secret = null;
        boolean valid = false;
        Map<String, String> post = new LinkedHashMap<>(); // file -> replacement content after rendering
        List<String> remove = new ArrayList<>();
        switch (mutation) {
            case NONE -> valid = true;
            case YAML_SYNTAX -> {
                file = ring.file;
                post.put(file, pick(r, "id: [1, 2\nname: x\n", "id: 1\n  name: : x\n", "id: 1\nname: \"open\n",
                        "- a\nb: c\n", "id: 1\n\tname: tab\n", "{id: 1, name: x\n", "id: 1\nname: x\ncells: [\n"));
            }
            case EMPTY_FILE -> {
                file = r.nextBoolean() ? ring.file : flag.file;
                post.put(file, pick(r, "", "   \n", "# only a comment\n", "---\n"));
            }
            case RANDOM_CONTENT -> {
                file = pick(r, ring.file, flag.file, "checks.yaml");
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(300);
                for (int i = 0; i < n; i++) {
                    b.append((char) r.nextInt(r.nextBoolean() ? 128 : 0xD7FF));
                }
                post.put(file, b.toString());
            }
            case WRONG_TYPE_ID, OUT_OF_RANGE_ID -> {
                file = ring.file;
                names = "id";
                ring.id = mutation == Mutation.WRONG_TYPE_ID
                        ? pick(r, "abc", "[1, 2]", "{x: 1}", "1.5", "\"2\"", "null", "true")
                        : pick(r, "-2", "-100", "99999999999", "123456789012345678901234567890");
            }
            case WRONG_TYPE_CELLS -> {
                file = ring.file;
                names = "cells";
                ring.cellsRaw = pick(r, "none", "{a: 1}", "42", "[1, 2]", "[[a]]");
            }
            case WRONG_TYPE_BOOL -> {
                file = ring.file;
                names = "skip-gradual";
                ring.skipGradual = pick(r, "yes", "maybe", "1", "[true]", "\"true\"", "on");
            }
            case HALT_NOT_A_NUMBER -> {
                file = ring.file;
                names = "halt";
                ring.rules.get(0).halt = pick(r, "high", "\"0.5\"", ".nan", ".inf", "[1]", "null", "1e999");
                ring.rules.get(0).rollback = null;
            }
            case DUPLICATE_CELL -> {
                CellModel twin = other.cells.get(0);
                cell.id = twin.id;
                cell.url = cell.url.startsWith("sandbox:") ? "sandbox://" + cell.id : cell.url;
                file = other == ring ? ring.file : ring.file.compareTo(other.file) > 0 ? ring.file : other.file;
                names = "\"" + twin.id + "\" is already declared";
            }
            case DUPLICATE_RING_ID -> {
                ring.id = other == ring ? ring.id : other.id;
                valid = other == ring;
                file = ring.file.compareTo(other.file) > 0 ? ring.file : other.file;
                names = "id";
            }
            case DUPLICATE_RING_NAME -> {
                ring.name = other.name;
                valid = other == ring;
                file = ring.file.compareTo(other.file) > 0 ? ring.file : other.file;
                names = "name";
            }
            case DUPLICATE_YAML_KEY -> {
                file = ring.file;
                names = "name";
                ring.duplicateKey = "name: " + ring.name + "-again";
            }
            case UNKNOWN_KEY -> {
                String key = pick(r, "colour", "Bake", "cell", "rollback_after", "timeout");
                names = key;
                switch (r.nextInt(4)) {
                    case 0 -> {
                        file = ring.file;
                        ring.extra = key + ": x";
                    }
                    case 1 -> {
                        file = ring.file;
                        names = "policy." + key;
                        ring.policyExtra = key + ": 1";
                    }
                    case 2 -> {
                        file = ring.file;
                        names = cellPath + "." + key;
                        cell.extra = key + ": y";
                    }
                    default -> {
                        file = "checks.yaml";
                        names = "checks." + check.name + "." + key;
                        check.extra = key + ": z";
                    }
                }
            }
            case BAD_DURATION -> {
                file = ring.file;
                names = "policy.bake";
                ring.bake = pick(r, "30 minutes", "-5m", "0s", "5x", "1h30", "soon", "99999999999999999999d",
                        "9223372036854775807d", "1.5h", "[30m]", "30");
            }
            case FLAG_BAD_DURATION -> {
                file = flag.file;
                names = "rollout.bake";
                flag.bake = pick(r, "an hour", "0m", "h", "60", "1hh");
            }
            case BAD_URL -> {
                file = ring.file;
                names = cellPath + ".url";
                cell.url = pick(r, "htp:/x", "ftp://x.example.com", "not a url", "http://", "https://",
                        "sandbox://someone-else", "'sandbox:'", "//host/path", "http://exa mple.com", "https://[::1");
            }
            case BAD_FLAG_LINK -> {
                file = flag.file;
                names = "links.rollout-issue";
                flag.link = pick(r, "issue 42", "gitlab.example.com/i/1", "mailto:a@b", "https://");
            }
            case INLINE_CREDENTIAL -> {
                file = ring.file;
                names = cellPath + ".credential";
                secret = pick(r, "glpat-", "ghp_", "token-", "") + word(r, 20, 30);
                cell.credential = pick(r, secret, "env:" + secret + "-x", "file:relative/" + secret, "'env:'",
                        "Bearer " + secret);
                if (cell.credential.equals("'env:'")) {
                    secret = null;
                }
            }
            case BAD_QUERY -> {
                file = "checks.yaml";
                names = "checks." + check.name + ".query";
                check.query = pick(r, "sum(rate(x{cell=~\"{{region}}\"}[1m]))", "sum(rate(x[1m])",
                        "avg(x{ring=\"{{ring\"})", "max(y{a=\"b})", "sum(x)) + (", "x{a=\"{{cells}}\"}]");
            }
            case BAD_DIRECTION -> {
                file = "checks.yaml";
                names = "checks." + check.name + ".unhealthy-when";
                check.direction = pick(r, "higher", "ABOVE", "up", "1");
            }
            case ROLLBACK_NOT_WORSE -> {
                file = ring.file;
                Rule rule = ring.rules.get(0);
                Check of = checks.stream().filter(c -> c.name.equals(rule.check)).findFirst().orElseThrow();
                double halt = Double.parseDouble(rule.halt);
                rule.rollback = String.valueOf(r.nextBoolean() ? halt
                        : of.direction.equals("above") ? halt - 0.005 : halt + 0.005);
                names = "policy.checks[0].rollback";
            }
            case UNKNOWN_CHECK -> {
                file = r.nextBoolean() ? ring.file : flag.file;
                List<Rule> rules = file.equals(ring.file) ? ring.rules : flag.rules;
                rules.get(0).check = "no-such-" + word(r, 3, 6);
                names = rules.get(0).check;
            }
            case MISSING_KEY -> {
                switch (r.nextInt(4)) {
                    case 0 -> {
                        file = ring.file;
                        ring.drop = pick(r, "id", "name");
                        names = ring.drop;
                    }
                    case 1 -> {
                        file = ring.file;
                        cell.drop = pick(r, "id", "adapter", "url", "credential");
                        names = cell.drop;
                    }
                    case 2 -> {
                        file = flag.file;
                        flag.drop = pick(r, "owner", "type", "description", "name");
                        names = flag.drop;
                    }
                    default -> {
                        file = "checks.yaml";
                        check.dropQuery = true;
                        names = "query";
                    }
                }
            }
            case NO_TOPOLOGY -> {
                file = "topology/";
                rings.forEach(x -> remove.add(x.file));
            }
            case NO_CHECKS_FILE -> {
                remove.add("checks.yaml");
                file = flag.file;
                names = "no checks.yaml";
            }
            case FLAG_NAME_MISMATCH -> {
                file = flag.file;
                names = "name";
                flag.name = flag.name + "_other";
            }
            case BAD_CELL_ID -> {
                file = ring.file;
                names = cellPath + ".id";
                cell.id = pick(r, "Bad_Cell", "-lead", "a".repeat(64), "ümlaut", "with space", "\"\"");
                cell.url = "https://x.example.com";
            }
            case UNKNOWN_ADAPTER -> {
                file = ring.file;
                names = cellPath + ".adapter";
                cell.adapter = pick(r, "github", "GitLab", "gitlab-ce");
            }
            case STRAY_FILE -> {
                String stray = pick(r, "extra.yaml", "ring-5.yml", "topology/old/ring-1.yaml", "flags/x/y.yaml",
                        "misc/ring.yaml");
                post.put(stray, "id: 5\n");
                file = stray.startsWith("topology/old/") ? "topology/old/" : stray.startsWith("flags/x/")
                        ? "flags/x/" : stray;
            }
            case QUARANTINE_ELSEWHERE -> {
                file = ring.file;
                names = "quarantine";
                ring.quarantine = true;
            }
            case BAD_LABELS -> {
                file = ring.file;
                names = cellPath + ".labels";
                cell.labels = pick(r, "[eu, gcp]", "eu", "{region: [a, b]}", "{region: {x: 1}}");
            }
            case YAML_ALIAS -> {
                file = ring.file;
                names = "alias";
            }
            default -> throw new IllegalStateException(mutation.name());
        }

        Map<String, String> files = new TreeMap<>();
        files.put("checks.yaml", checks(checks));
        for (RingModel x : rings) {
            files.put(x.file, ring(x));
        }
        for (FlagModel f : flags) {
            files.put(f.file, flag(f));
        }
        if (mutation == Mutation.YAML_ALIAS) {
            post.put(ring.file, files.get(ring.file).replaceFirst("adapter: gitlab", "adapter: &a gitlab")
                    + "extra: *a\n");
        }
        files.putAll(post);
        remove.forEach(files::remove);
        List<Integer> ids = valid ? rings.stream().map(x -> Integer.parseInt(x.id)).sorted().toList() : List.of();
        int cellCount = rings.stream().mapToInt(x -> x.cells.size()).sum();
        return new Tree(mutation, files, valid, file, names, secret, ids, cellCount);
    }

    // ---- rendering -------------------------------------------------------------------------------------------------

    private static String checks(List<Check> checks) {
        StringBuilder b = new StringBuilder("# generated\nchecks:\n");
        for (Check c : checks) {
            b.append("  ").append(c.name).append(":\n");
            b.append("    description: ").append("check ").append(c.name).append('\n');
            b.append("    unhealthy-when: ").append(c.direction).append('\n');
            if (!c.dropQuery) {
                b.append("    query: |\n");
                for (String line : c.query.split("\n")) {
                    b.append("      ").append(line).append('\n');
                }
            }
            if (c.extra != null) {
                b.append("    ").append(c.extra).append('\n');
            }
        }
        return b.toString();
    }

    private static void rules(StringBuilder b, String indent, List<Rule> rules) {
        b.append(indent).append("checks:\n");
        for (Rule rule : rules) {
            b.append(indent).append("  - check: ").append(rule.check).append('\n');
            b.append(indent).append("    halt: ").append(rule.halt).append('\n');
            if (rule.rollback != null) {
                b.append(indent).append("    rollback: ").append(rule.rollback).append('\n');
            }
        }
    }

    private static String ring(RingModel x) {
        StringBuilder b = new StringBuilder();
        if (!"id".equals(x.drop)) {
            b.append("id: ").append(x.id).append('\n');
        }
        if (!"name".equals(x.drop)) {
            b.append("name: ").append(x.name).append('\n');
        }
        if (x.duplicateKey != null) {
            b.append(x.duplicateKey).append('\n');
        }
        if (x.extra != null) {
            b.append(x.extra).append('\n');
        }
        b.append("policy:\n");
        if (x.quarantine) {
            b.append("  quarantine: true\n");
        }
        if (!x.id.equals("-1") || !x.quarantine) {
            b.append("  skip-gradual: ").append(x.skipGradual).append('\n');
            if (x.bake != null) {
                b.append("  bake: ").append(x.bake).append('\n');
            }
            if (!x.rules.isEmpty()) {
                rules(b, "  ", x.rules);
            }
        }
        if (x.policyExtra != null) {
            b.append("  ").append(x.policyExtra).append('\n');
        }
        if (x.cellsRaw != null) {
            b.append("cells: ").append(x.cellsRaw).append('\n');
            return b.toString();
        }
        b.append("cells:\n");
        for (CellModel c : x.cells) {
            List<String> lines = new ArrayList<>();
            if (!"id".equals(c.drop)) {
                lines.add("id: " + c.id);
            }
            if (!"adapter".equals(c.drop)) {
                lines.add("adapter: " + c.adapter);
            }
            if (!"url".equals(c.drop)) {
                lines.add("url: " + c.url);
            }
            if (!"credential".equals(c.drop)) {
                lines.add("credential: " + c.credential);
            }
            if (c.labels != null) {
                lines.add("labels: " + c.labels);
            }
            if (c.extra != null) {
                lines.add(c.extra);
            }
            for (int i = 0; i < lines.size(); i++) {
                b.append(i == 0 ? "  - " : "    ").append(lines.get(i)).append('\n');
            }
        }
        return b.toString();
    }

    private static String flag(FlagModel f) {
        StringBuilder b = new StringBuilder();
        if (!"name".equals(f.drop)) {
            b.append("name: ").append(f.name).append('\n');
        }
        if (!"owner".equals(f.drop)) {
            b.append("owner: \"@team\"\n");
        }
        if (!"type".equals(f.drop)) {
            b.append("type: ").append(f.type).append('\n');
        }
        if (!"description".equals(f.drop)) {
            b.append("description: generated flag\n");
        }
        b.append("default-enabled: false\n");
        b.append("links:\n  rollout-issue: ").append(f.link).append('\n');
        b.append("rollout:\n");
        if (f.bake != null) {
            b.append("  bake: ").append(f.bake).append('\n');
        }
        rules(b, "  ", f.rules);
        return b.toString();
    }
}
