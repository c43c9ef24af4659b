package dev.ripple.incidents;

import java.util.List;

/** What the rollout engine asks before a gradual rollout touches a ring. */
public interface IncidentView {

    /** Active incidents on {@code ring}, from every source; empty when the ring is clear. Never throws. */
    List<ActiveIncident> activeOn(int ring);
}
