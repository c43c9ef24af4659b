package dev.ripple.chatops;

import dev.ripple.rollout.ChangeSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The chat grammar against generated text (docs/reliability.md, "Bad input at volume"): valid commands, the same
 * commands with one token broken, and soup made of the grammar's own words. Whatever the text, the parser answers a
 * command that agrees with it or an {@link InvalidCommand} naming the problem with a usage line, nothing else.
 * Tries: {@code jqwik.tries.default}, set from {@code -Dripple.props.tries} by the pom.
 */
class CommandGrammarPropertyTest {

    private static final List<String> WORDS = List.of("feature", "get", "list", "set", "delete", "rollout", "rollouts",
            "status", "pause", "resume", "promote", "abort", "rollback", "retry", "incident", "open", "close", "help",
            "true", "false", "25", "0", "100", "100.5", "-1", "1e3", "new_search_ui", "Bad-Name", "--ring", "--ring=2",
            "--ring=x", "--cell=q-1", "--cell", "--cell=,", "--immediate", "--immediate=yes", "--dry-run", "--actors",
            "--random", "--user=alice", "--user=", "--group=g1", "--project=p,q", "--reason", "--reason=\"two words\"",
            "--issue=https://x", "--match", "--active", "--severity=sev1", "--link=https://l", "--title=t", "--",
            "---", "\"", "'", "\\", "\u201Cq\u201D", "ümlaut", "\uD83D\uDE80", "\u0000", "\t", "12345678901234567890");

    @Property
    void anyTextParsesIntoAConsistentCommandOrIsRefusedWithItsUsage(@ForAll("texts") Case c) {
        ChatCommand command;
        try {
            command = CommandParser.parse(c.text());
        } catch (InvalidCommand e) {
            Statistics.label("outcome").collect("refused");
            Statistics.label("kind").collect(c.kind());
            assertThat(e.problem()).as("problem for %s", c).isNotBlank();
            assertThat(CommandParser.USAGE).as("usage lines for %s", c).containsAll(List.of(e.usage().split("\n")));
            if (c.namedToken() != null) {
                assertThat(e.problem()).as("problem for %s", c).contains(c.namedToken());
            }
            return;
        } catch (RuntimeException e) {
            fail("parsing %s threw %s", c, e);
            return;
        }
        Statistics.label("outcome").collect("parsed");
        Statistics.label("kind").collect(c.kind());
        assertThat(c.mustFail()).as("%s parsed into %s", c, command).isFalse();
        assertConsistent(command, CommandParser.tokens(c.text()), c);
    }

    /** What the command holds came from the text: its verb is the first word, its names and numbers are words of it. */
    private static void assertConsistent(ChatCommand command, List<String> tokens, Case c) {
        String first = tokens.isEmpty() ? "help" : tokens.get(0).toLowerCase(Locale.ROOT);
        String joined = String.join(" ", tokens);
        if (command instanceof ChatCommand.Help) {
            assertThat(first).as("%s", c).isEqualTo("help");
        } else if (command instanceof ChatCommand.FeatureChange f) {
            assertThat(first).as("%s", c).isEqualTo("feature");
            assertThat(tokens.get(1).toLowerCase(Locale.ROOT)).as("%s", c).isEqualTo(f.verb());
            assertThat(tokens).as("%s", c).contains(f.flag());
            if (f.ring() != null) {
                assertThat(joined).as("%s", c).containsIgnoringCase("--ring").contains(String.valueOf(f.ring()));
            }
            f.cells().forEach(cell -> assertThat(joined).as("%s", c).containsIgnoringCase("--cell").contains(cell));
            assertThat(f.immediate()).as("%s", c).isEqualTo(joined.toLowerCase(Locale.ROOT).contains("--immediate"));
            assertThat(f.dryRun()).as("%s", c).isEqualTo(joined.toLowerCase(Locale.ROOT).contains("--dry-run"));
            ChangeSpec spec = ChangeSpec.of(f.change());
            if (spec.percentage() != null) {
                assertThat(tokens).as("%s", c).anyMatch(t -> t.matches("\\d+(\\.\\d+)?")
                        && new java.math.BigDecimal(t).compareTo(spec.percentage()) == 0);
            }
            if (spec.actors() != null) {
                spec.actors().forEach(actor -> assertThat(joined).as("%s", c).contains(actor));
            }
        } else if (command instanceof ChatCommand.FeatureGet g) {
            assertThat(first).as("%s", c).isEqualTo("feature");
            assertThat(tokens).as("%s", c).contains(g.flag());
        } else if (command instanceof ChatCommand.RolloutOperation o) {
            assertThat(first).as("%s", c).isEqualTo("rollout");
            assertThat(tokens.get(1)).as("%s", c).isEqualToIgnoringCase(o.operation().wireName());
            assertThat(tokens).as("%s", c).anyMatch(t -> t.matches("\\d{1,18}") && Long.parseLong(t) == o.id());
        } else if (command instanceof ChatCommand.RolloutStatus s) {
            assertThat(tokens.get(1)).as("%s", c).isEqualToIgnoringCase("status");
            assertThat(tokens).as("%s", c).anyMatch(t -> t.matches("\\d{1,18}") && Long.parseLong(t) == s.id());
        } else if (command instanceof ChatCommand.IncidentOpen i) {
            assertThat(first).as("%s", c).isEqualTo("incident");
            assertThat(joined).as("%s", c).containsIgnoringCase("--ring").contains(String.valueOf(i.ring()));
        } else if (command instanceof ChatCommand.IncidentClose i) {
            assertThat(tokens).as("%s", c).contains(i.id());
        } else if (command instanceof ChatCommand.FeatureList || command instanceof ChatCommand.RolloutList) {
            assertThat(first).as("%s", c).isIn("feature", "rollouts");
        } else {
            fail("unexpected command %s for %s", command, c);
        }
    }

    /**
     * One generated input: the text, what kind of input it is, whether it cannot be valid, and the token its refusal
     * must name (null when any problem will do).
     */
    record Case(String kind, String text, boolean mustFail, String namedToken) {
        @Override
        public String toString() {
            String shown = text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
            return kind + ": [" + shown + "]";
        }
    }

    @Provide
    Arbitrary<Case> texts() {
        return commandTexts();
    }

    /** Command texts: valid, broken once, soup of the grammar's words, random and very long. */
    static Arbitrary<Case> commandTexts() {
        return Arbitraries.frequencyOf(List.of(
                Tuple(3, valid()),
                Tuple(6, brokenOnce()),
                Tuple(2, soup()),
                Tuple(1, Arbitraries.strings().ofMaxLength(200).map(s -> new Case("random-text", s, false, null))),
                Tuple(1, longInput())));
    }

    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<Case>> Tuple(int weight, Arbitrary<Case> arbitrary) {
        return net.jqwik.api.Tuple.of(weight, arbitrary);
    }

    // ---- valid commands, as word lists -----------------------------------------------------------------------------

    private static Arbitrary<String> flagNames() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMinLength(1).ofMaxLength(40)
                .filter(s -> Character.isLetter(s.charAt(0)));
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().alpha().numeric().withChars("-_.:/").ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.startsWith("--"));
    }

    private static Arbitrary<List<String>> validWords() {
        Arbitrary<String> ringOption = Arbitraries.integers().between(-1, 9).map(n -> "--ring=" + n);
        Arbitrary<String> targeting = Arbitraries.oneOf(ringOption, Arbitraries.of("--cell=q-1", "--cell=q-1,q-2", ""));
        Arbitrary<String> extras = Arbitraries.of("", "--immediate", "--dry-run", "--reason=\"bad canary\"",
                "--issue=https://gitlab.example.com/i/1", "--immediate --dry-run");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("true false TRUE False".split(" ")).map(v -> v),
                Arbitraries.integers().between(0, 100).map(n -> n + " --actors"),
                Arbitraries.bigDecimals().between(java.math.BigDecimal.ZERO, java.math.BigDecimal.valueOf(100))
                        .ofScale(2).map(d -> d.toPlainString() + " --random"),
                Combinators.combine(Arbitraries.of(true, false), Arbitraries.of("user", "project", "group",
                        "namespace", "feature-group", "repository", "organization"), words().list().ofMinSize(1)
                        .ofMaxSize(3)).as((on, kind, actors) -> on + " --" + kind + "=" + String.join(",", actors)));
        Arbitrary<String> set = Combinators.combine(flagNames(), value, targeting, extras)
                .as((flag, v, t, e) -> "feature set " + flag + " " + v + " " + t + " " + e);
        Arbitrary<String> delete = Combinators.combine(flagNames(), targeting, extras)
                .as((flag, t, e) -> "feature delete " + flag + " " + t + " " + e);
        Arbitrary<String> rollout = Combinators.combine(Arbitraries.of("status", "pause", "resume", "promote",
                        "abort", "rollback", "retry"), Arbitraries.longs().between(1, 999_999_999_999L))
                .as((action, id) -> "rollout " + action + " " + id + (action.equals("status") ? "" : " --reason=x"));
        Arbitrary<String> incident = Combinators.combine(Arbitraries.integers().between(-1, 9),
                        Arbitraries.of("", "--severity=sev1", "--link=https://status/i/1 --title=\"checkout down\""))
                .as((ring, rest) -> "incident open --ring " + ring + " " + rest);
        Arbitrary<String> simple = Arbitraries.of("help", "rollouts", "rollouts --active", "feature list",
                "feature list --match=search", "incident close inc-42", "feature get new_search_ui");
        return Arbitraries.oneOf(set, delete, rollout, incident, simple)
                .map(text -> List.of(text.strip().split("\\s+(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")));
    }

    private static Arbitrary<Case> valid() {
        return validWords().map(words -> new Case("valid", String.join(" ", words), false, null));
    }

    // ---- one token broken ------------------------------------------------------------------------------------------

    private static Arbitrary<Case> brokenOnce() {
        return Arbitraries.oneOf(
                // structural mutations: anything may come out, but only a command or InvalidCommand
                Combinators.combine(validWords(), Arbitraries.integers().between(0, 50)).as((w, i) -> {
                    List<String> m = new ArrayList<>(w);
                    m.remove(i % m.size());
                    return new Case("dropped-token", String.join(" ", m), false, null);
                }),
                Combinators.combine(validWords(), Arbitraries.integers().between(0, 50)).as((w, i) -> {
                    List<String> m = new ArrayList<>(w);
                    m.add(i % m.size(), m.get(i % m.size()));
                    return new Case("duplicated-token", String.join(" ", m), false, null);
                }),
                Combinators.combine(validWords(), Arbitraries.integers().between(0, 50),
                        Arbitraries.integers().between(0, 50)).as((w, i, j) -> {
                    List<String> m = new ArrayList<>(w);
                    java.util.Collections.swap(m, i % m.size(), j % m.size());
                    return new Case("swapped-tokens", String.join(" ", m), false, null);
                }),
                Combinators.combine(validWords(), Arbitraries.integers().between(0, 50),
                        Arbitraries.strings().ofMinLength(1).ofMaxLength(12)).as((w, i, garble) -> {
                    List<String> m = new ArrayList<>(w);
                    m.set(i % m.size(), garble);
                    return new Case("garbled-token", String.join(" ", m), false, null);
                }),
                // targeted mutations: must be refused, and the refusal must name the token
                Combinators.combine(validWords().filter(w -> w.size() > 1 && !w.get(0).equals("help")),
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
                                .map(s -> "--zz" + s)).as((w, option) -> {
                    List<String> m = new ArrayList<>(w);
                    m.add(option);
                    return new Case("unknown-option", String.join(" ", m), true, option);
                }),
                Combinators.combine(flagNames(), badNumbers()).as((flag, ring) ->
                        new Case("bad-ring", "feature set " + flag + " true --ring=" + ring, true, ring)),
                Combinators.combine(Arbitraries.of("status", "abort", "retry"), badNumbers()).as((action, id) ->
                        new Case("bad-rollout-id", "rollout " + action + " " + id, true, id)),
                Combinators.combine(badFlagNames(), Arbitraries.of("get", "set", "delete")).as((flag, sub) ->
                        new Case("bad-flag-name", "feature " + sub + " " + flag + (sub.equals("set") ? " true" : ""),
                                true, flag)),
                Combinators.combine(flagNames(), badNumbers()).as((flag, value) ->
                        new Case("bad-value", "feature set " + flag + " " + value + " --actors", true, value)),
                Arbitraries.integers().between(101, 100_000).map(p -> new Case("percentage-over-100",
                        "feature set x " + p + " --actors --ring=1", true, String.valueOf(p))),
                words().filter(w -> !List.of("feature", "rollout", "rollouts", "incident", "help")
                        .contains(w.toLowerCase(Locale.ROOT))).map(w -> new Case("unknown-command", w + " x", true, w)),
                Arbitraries.of("--ring", "--reason", "--severity").map(o -> new Case("option-twice",
                        "incident open --ring=1 " + o + "=1 " + o + "=2", true, o)));
    }

    /** Words that are not a number the grammar takes: letters, signs, decimals, exponents, unicode digits. */
    private static Arbitrary<String> badNumbers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("1.5x", "0x1F", "1e3", "+-1", "\u0661\u0662", "NaN", "Infinity", "½", "1_000", "--1"),
                Arbitraries.integers().between(1, 99).map(n -> n + "abc"))
                .filter(s -> !s.matches("-?\\d{1,9}"))
                .filter(s -> !s.startsWith("--"))
                .filter(s -> !List.of("true", "false").contains(s.toLowerCase(Locale.ROOT)));
    }

    private static Arbitrary<String> badFlagNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).filter(s -> !s.equals(
                        s.toLowerCase(Locale.ROOT))),
                Arbitraries.of("new-search", "a.b", "ö", "名前", "x\u200By"));
    }

    // ---- soup and long input ---------------------------------------------------------------------------------------

    private static Arbitrary<Case> soup() {
        return Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(12)
                .map(w -> new Case("vocabulary-soup", String.join(" ", w), false, null));
    }

    private static Arbitrary<Case> longInput() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(5_000).ofMaxLength(50_000).map(s -> "feature set x true --reason=\""
                        + s.replace("\"", "").replace("\\", "") + "\" --ring=1")
                        .map(t -> new Case("long-reason", t, false, null)),
                Arbitraries.of(WORDS).list().ofMinSize(1_000).ofMaxSize(5_000)
                        .map(w -> new Case("long-soup", String.join(" ", w), false, null)));
    }
}
