package dev.ripple.cache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the per-cell state cache is kept fresh. */
@ConfigMapping(prefix = "ripple.cache")
public interface CacheConfig {

    /** Period of the scheduled refresh of every cell (also read by the scheduler as {@code ripple.cache.refresh-every}). */
    @WithDefault("30s")
    Duration refreshEvery();

    /**
     * Scheduled refreshes spread their cells' reads over this window, so a thousand cells are not all hit in the
     * same second. Refreshes asked for through the API start every read at once.
     */
    @WithDefault("5s")
    Duration jitter();

    /** Whether to read every cell right after startup (the persisted state answers queries meanwhile). */
    @WithDefault("true")
    boolean refreshOnStart();
}
