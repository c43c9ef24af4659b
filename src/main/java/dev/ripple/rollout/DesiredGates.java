package dev.ripple.rollout;

import dev.ripple.flags.Gates;

import java.util.Map;
import java.util.Optional;

/** What Ripple last set a flag to on each cell (empty: deleted), to show next to what the cell reports. */
public interface DesiredGates {
    Map<String, Optional<Gates>> desiredFor(String flag);
}
