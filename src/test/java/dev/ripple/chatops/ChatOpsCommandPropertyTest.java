package dev.ripple.chatops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.sandbox.SandboxFleet;
import dev.ripple.testing.BadInputProfile;
import dev.ripple.testing.RawApi;
import dev.ripple.testing.Standing;
import dev.ripple.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/chatops/command} against the generated command texts of {@link CommandGrammarPropertyTest}
 * (docs/reliability.md, "Bad input at volume"), sent by the bot for an engineer or a viewer: never a 5xx; a text the
 * parser refuses is {@code 400 invalid-command} carrying the parser's problem and a chat reply; every other refusal
 * is a problem document with a documented code; and no rollout, incident or gate change comes of any of it.
 */
@QuarkusTest
@TestProfile(BadInputProfile.class)
class ChatOpsCommandPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CODES = java.util.Arrays.stream(dev.ripple.api.ErrorCode.values())
            .map(dev.ripple.api.ErrorCode::code).filter(c -> !c.equals("internal-error"))
            .collect(Collectors.toSet());

    @Inject
    SandboxFleet fleet;

    record Command(CommandGrammarPropertyTest.Case text, String user) {
    }

    @Test
    void generatedCommandsNeverFailAndInvalidOnesChangeNothing() {
        // Given
        RawApi api = new RawApi();
        Standing before = Standing.of(fleet);
        Map<String, Integer> outcomes = new TreeMap<>();
        int tries = RawApi.tries();
        long seed = RawApi.seed();
        Arbitrary<Command> commands = net.jqwik.api.Combinators.combine(CommandGrammarPropertyTest.commandTexts(),
                Arbitraries.of("alice", "vera")).as(Command::new);

        // When
        long started = System.nanoTime();
        RawApi.forEach(commands, tries, seed, c -> c.text().kind(), c -> {
            RawApi.Answer answer = api.post("/api/v1/chatops/command", Tokens.BOT, "application/json",
                    json(Map.of("text", c.text().text(), "user", c.user())));
            outcomes.merge(c.text().kind() + " " + answer.status(), 1, Integer::sum);
            InvalidCommand invalid = null;
            try {
                CommandParser.parse(c.text().text());
            } catch (InvalidCommand e) {
                invalid = e;
            }
            if (invalid != null) {
                RawApi.assertRefused(answer, Set.of("invalid-command"), invalid.problem(), c);
                assertThat(answer.json().get("ok").asBoolean()).as("ok for %s", c).isFalse();
                assertThat(answer.field("text")).as("chat reply for %s", c).isNotBlank();
            } else if (answer.status() != 200) {
                RawApi.assertRefused(answer, CODES, null, c);
                assertThat(answer.field("text")).as("chat reply for %s", c).isNotBlank();
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then
        RawApi.report(getClass().getSimpleName(), "commands", tries, took, seed, outcomes);
        assertThat(Standing.of(fleet)).as("rollouts, incidents, tokens and gates").isEqualTo(before);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }


}
