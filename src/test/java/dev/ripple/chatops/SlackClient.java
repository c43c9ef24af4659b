package dev.ripple.chatops;

import dev.ripple.testing.StubHttpServer;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slack, as far as Ripple can tell: slash-command requests signed with the test profile's signing secret, and a
 * stand-in for the {@code response_url}s that receive replies coming later than the first answer.
 */
final class SlackClient implements AutoCloseable {
    static final String SECRET = "test-slack-signing-secret";
    static final String PATH = "/api/v1/chatops/slack";
    static final String WORKING = "Working on it… the result will follow here.";

    private final StubHttpServer responseUrls = StubHttpServer.start().answer(StubHttpServer.Answer.status(200));
    private final AtomicInteger invocations = new AtomicInteger();

    /** A reply as Slack shows it. */
    record Reply(String responseType, String text) {
    }

    /** The form body of a slash command, with a response_url of its own on the stand-in. */
    String form(String userId, String text) {
        return form(userId, text, responseUrls.url() + "/commands/T0001/" + invocations.incrementAndGet() + "/tok");
    }

    static String form(String userId, String text, String responseUrl) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("token", "legacy-verification-token");
        fields.put("team_id", "T0001");
        fields.put("team_domain", "example");
        fields.put("channel_id", "C0001");
        fields.put("channel_name", "rollouts");
        fields.put("user_id", userId);
        fields.put("user_name", "someone");
        fields.put("command", "/ripple");
        fields.put("text", text);
        fields.put("api_app_id", "A0001");
        fields.put("response_url", responseUrl);
        fields.put("trigger_id", System.nanoTime() + ".1.abc");
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }

    /** {@code v0=} and the hex HMAC-SHA256 of {@code v0:timestamp:body}, computed here independently of Ripple. */
    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    /** A request with only the body; the caller adds (or leaves out) the Slack headers. */
    static RequestSpecification request(String body) {
        return RestAssured.given().contentType("application/x-www-form-urlencoded; charset=utf-8").body(body);
    }

    /** The body, signed now with the right secret. */
    static Response signed(String body) {
        long ts = now();
        return request(body).header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", sign(SECRET, ts, body)).post(PATH);
    }

    /** Runs a command as the Slack user and answers its reply, following the response_url when it came later. */
    Reply command(String userId, String text) {
        String form = form(userId, text);
        return reply(signed(form), form);
    }

    /**
     * The reply to a request already sent: its answer, or, when that was "working on it", what was posted to its
     * response_url.
     */
    Reply reply(Response response, String form) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonPath json = response.jsonPath();
        Reply first = new Reply(json.getString("response_type"), json.getString("text"));
        if (!WORKING.equals(first.text())) {
            return first;
        }
        return late(form);
    }

    /** What was posted to the response_url of the request with this form. */
    Reply late(String form) {
        String path = java.net.URI.create(java.net.URLDecoder.decode(form.replaceAll(".*response_url=([^&]*).*",
                "$1"), StandardCharsets.UTF_8)).getPath();
        StubHttpServer.Request posted = await("the reply posted to " + path).atMost(Duration.ofSeconds(30))
                .until(() -> responseUrls.requests().stream().filter(r -> r.path().equals(path)).findFirst()
                        .orElse(null), java.util.Objects::nonNull);
        JsonPath json = JsonPath.from(posted.body());
        assertThat(json.getBoolean("replace_original")).isFalse();
        return new Reply(json.getString("response_type"), json.getString("text"));
    }

    /** Everything posted to response_urls so far. */
    java.util.List<StubHttpServer.Request> posted() {
        return responseUrls.requests();
    }

    @Override
    public void close() {
        responseUrls.close();
    }
}
