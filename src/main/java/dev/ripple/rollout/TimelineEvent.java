package dev.ripple.rollout;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a rollout's timeline. Appended, never changed.
 *
 * @param id     assigned by the store, increasing; null until stored
 * @param type   {@code created}, {@code ring-started}, {@code cell-changed}, {@code check}, {@code halted}, ...
 * @param actor  who caused it: the engine ({@code ripple}) or the operator who asked
 * @param detail structured facts (before/after gates, query, value, thresholds) for tools
 */
public record TimelineEvent(Long id, long rolloutId, Instant at, String type, Integer ring, String cell, String actor,
                            String message, Map<String, Object> detail) {
    public TimelineEvent {
        detail = detail == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
    }
}
