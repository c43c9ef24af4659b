package dev.ripple.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.api.ErrorCode;
import io.restassured.RestAssured;
import net.jqwik.api.Arbitrary;
import net.jqwik.engine.SourceOfRandomness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends requests exactly as generated (any body, any content type) to the Ripple under test over one keep-alive
 * HTTP/1.1 connection, and checks what a bot relies on when it is refused: a problem document with a documented
 * {@code code} and a {@code detail} that names what was wrong. For the "Bad input at volume" property tests.
 */
public final class RawApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base = RestAssured.baseURI + ":" + RestAssured.port;

    /** An answer: status, Content-Type, and the body parsed as JSON (null when it is not JSON). */
    public record Answer(int status, String contentType, String text, JsonNode json) {
        public String field(String name) {
            return json == null || json.get(name) == null || json.get(name).isNull() ? null : json.get(name).asText();
        }
    }

    public Answer post(String path, String token, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException notJson) {
                // json stays null; the assertions say so
            }
            return new Answer(response.statusCode(), type, response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Never a 5xx; a 4xx is {@code application/problem+json} whose {@code code} is one of {@code codes}, whose status
     * is the code's documented status, and whose {@code detail} contains {@code names} (ignoring case) when given.
     */
    public static void assertRefused(Answer answer, Set<String> codes, String names, Object input) {
        assertThat(answer.status()).as("status for %s: %s", input, answer.text()).isBetween(400, 499);
        assertThat(answer.contentType()).as("Content-Type for %s", input).startsWith("application/problem+json");
        assertThat(answer.json()).as("problem document for %s: %s", input, answer.text()).isNotNull();
        String code = answer.field("code");
        assertThat(code).as("code for %s: %s", input, answer.text()).isNotBlank().isIn(codes);
        assertThat(ErrorCode.fromCode(code)).as("documented code %s", code).isPresent();
        assertThat(answer.status()).as("status of %s", code).isEqualTo(ErrorCode.fromCode(code).get().status());
        assertThat(answer.field("detail")).as("detail for %s: %s", input, answer.text()).isNotBlank();
        if (names != null) {
            assertThat(answer.field("detail")).as("detail for %s", input).containsIgnoringCase(names);
        }
    }

    /**
     * Draws {@code tries} values from {@code arbitrary} with jqwik's sampling, reproducibly from {@code seed}, and
     * hands each to {@code check}; then fails with the first failure of each {@code kind} of input, if any. Used where jqwik's own lifecycle cannot run: inside a {@code @QuarkusTest}.
     */
    public static <T> void forEach(Arbitrary<T> arbitrary, int tries, long seed, Function<T, String> kind,
                                   Consumer<T> check) {
        // Sampling outside a property draws from this thread's source of randomness: seed it for a replayable run.
        SourceOfRandomness.create(Long.toString(seed));
        java.util.Iterator<T> values = arbitrary.sampleStream().iterator();
        Map<String, String> failures = new LinkedHashMap<>(); // the first failure of each kind of input
        int failed = 0;
        for (int i = 0; i < tries; i++) {
            T value = values.next();
            try {
                check.accept(value);
            } catch (AssertionError e) {
                failed++;
                failures.putIfAbsent(kind.apply(value), "try " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (failed > 0) {
            throw new AssertionError(failed + " of " + tries + " tries failed (reproduce with -Dripple.props.seed="
                    + seed + "); the first of each kind:\n" + String.join("\n\n", failures.values()));
        }
    }

    /** Prints what a run did, for docs/reliability.md: how many inputs, how long, and each kind of input by status. */
    public static void report(String suite, String what, int tries, Duration took, long seed,
                              Map<String, Integer> outcomes) {
        StringBuilder b = new StringBuilder(suite + ": " + tries + " " + what + " in " + took + " (seed " + seed + ")");
        outcomes.forEach((kind, n) -> b.append("\n  ").append(kind).append(": ").append(n));
        System.out.println(b);
    }

    /** How many generated inputs a property suite takes: {@code -Dripple.props.tries}, 10,000 unless told. */
    public static int tries() {
        return Integer.getInteger("ripple.props.tries", 10_000);
    }

    /** The seed of this run: {@code -Dripple.props.seed}, else a fresh one (reported with any failure). */
    public static long seed() {
        return Long.getLong("ripple.props.seed", new Random().nextLong());
    }
}
