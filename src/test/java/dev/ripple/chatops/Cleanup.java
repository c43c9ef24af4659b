package dev.ripple.chatops;

import dev.ripple.incidents.Incident;
import dev.ripple.incidents.IncidentService;
import dev.ripple.rollout.Operation;
import dev.ripple.rollout.RolloutService;
import dev.ripple.rollout.RolloutState;

import java.util.Optional;

/** What a test leaves behind, ended: so the next test's flags have no active rollout and its rings no incident. */
final class Cleanup {
    private Cleanup() {
    }

    static void abortActiveRollouts(RolloutService rollouts) {
        for (RolloutState state : RolloutState.values()) {
            if (!state.isTerminal()) {
                rollouts.list(Optional.empty(), Optional.of(state), null, 500)
                        .forEach(r -> rollouts.operate(r.id(), Operation.ABORT, "cleanup", null));
            }
        }
    }

    static void closeIncidents(IncidentService incidents) {
        incidents.list(true, 0).stream().filter(i -> i.source().equals(Incident.SOURCE_API))
                .forEach(i -> incidents.close(i.id(), "cleanup"));
    }
}
