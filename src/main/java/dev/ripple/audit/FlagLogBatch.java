package dev.ripple.audit;

import dev.ripple.notify.FlagLogEntry;

import java.util.List;

/** The feature-flag log entries of one stored step, published once the transaction storing them has committed. */
record FlagLogBatch(List<FlagLogEntry> entries) {
}
