package dev.ripple.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A notification as a generic JSON event: every field, {@code event} as its wire name, {@code at} in ISO-8601. */
final class JsonEvent {
    private JsonEvent() {
    }

    static String render(RolloutNotification n) {
        // Absent values are written as null rather than left out, so a consumer sees one shape for every event.
        return new JsonObject()
                .put("event", n.event().wireName())
                .put("rolloutId", n.rolloutId())
                .put("flag", n.flag())
                .put("change", n.change())
                .put("upToRing", n.upToRing())
                .put("mode", n.mode())
                .put("initiator", n.initiator())
                .put("ring", n.ring())
                .put("summary", n.summary())
                .put("at", n.at() == null ? null : n.at().toString())
                .put("failures", new JsonArray(n.failures()))
                .put("flagLog", flagLog(n.flagLog()))
                .encode();
    }

    private static JsonObject flagLog(FlagLogEntry entry) {
        if (entry == null) {
            return null;
        }
        return new JsonObject()
                .put("title", entry.title())
                .put("action", entry.action())
                .put("ring", entry.ring())
                .put("requestedBy", entry.requestedBy())
                .put("reason", entry.reason())
                .put("rolloutIssue", entry.rolloutIssue())
                .put("cellsChanged", new JsonArray(entry.cellsChanged()))
                .put("cellsFailed", new JsonArray(entry.cellsFailed()))
                .put("cellsUnchanged", entry.cellsUnchanged());
    }
}
