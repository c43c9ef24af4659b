package dev.ripple.incidents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Alertmanager's {@code GET /api/v2/alerts} answer into incidents: one per active alert that names its ring in
 * an integer label. Alerts about no ring (or about {@code "eu"}, {@code "2.5"}) are not Ripple's to act on.
 */
final class AlertmanagerAlerts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RING = Pattern.compile("-?\\d{1,9}");

    private AlertmanagerAlerts() {
    }

    /** @throws IllegalArgumentException when the body is not a list of alerts */
    static List<ActiveIncident> read(String body, String ringLabel, Instant now) {
        JsonNode alerts;
        try {
            alerts = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the answer is not JSON: " + e.getOriginalMessage());
        }
        if (alerts == null || !alerts.isArray()) {
            throw new IllegalArgumentException("the answer is not a list of alerts");
        }
        List<ActiveIncident> incidents = new ArrayList<>();
        for (JsonNode alert : alerts) {
            JsonNode labels = alert.path("labels");
            String ring = labels.path(ringLabel).asText("").strip();
            String state = alert.path("status").path("state").asText("active");
            if (!RING.matcher(ring).matches() || !"active".equals(state)) {
                continue;
            }
            String fingerprint = text(alert.path("fingerprint"));
            String alertname = text(labels.path("alertname"));
            String summary = text(alert.path("annotations").path("summary"));
            incidents.add(new ActiveIncident(
                    "am-" + (fingerprint != null ? fingerprint : alertname + "-" + ring),
                    Integer.parseInt(ring),
                    text(labels.path("severity")),
                    summary != null ? summary : alertname,
                    text(alert.path("generatorURL")),
                    Incident.SOURCE_ALERTMANAGER,
                    instant(alert.path("startsAt"), now)));
        }
        return incidents;
    }

    private static String text(JsonNode node) {
        String text = node.isValueNode() ? node.asText().strip() : "";
        return text.isEmpty() ? null : text;
    }

    private static Instant instant(JsonNode node, Instant fallback) {
        try {
            return node.isTextual() ? OffsetDateTime.parse(node.asText()).toInstant() : fallback;
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
