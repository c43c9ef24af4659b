package dev.ripple.audit;

import dev.ripple.flags.GateChange;
import dev.ripple.flags.Percentages;
import dev.ripple.rollout.FlagChange;

/**
 * Feature-flag log titles, in the words of GitLab's own log ({@code Feature flag 'x' has been set to '25%' of actors
 * on gprd}) with a ring where GitLab names an environment:
 * <ul>
 *   <li>{@code Feature flag 'x' set to 'true' on ring 2} (and {@code 'false'})</li>
 *   <li>{@code Feature flag 'x' set to '25%' of actors on ring 2} (and {@code of time})</li>
 *   <li>{@code Feature flag 'x' set to 'true' for user 'alice, bob' on ring 3} (actors added; {@code 'false'}:
 *   removed)</li>
 *   <li>{@code Feature flag 'x' deleted on ring 2}</li>
 *   <li>{@code Feature flag 'x' restored on ring 1 (rollback of rollout 42)}</li>
 * </ul>
 * A ring where some cells failed says how many: {@code … on ring 2 (1 of 3 cells failed)}.
 */
final class FlagLogTitles {
    private FlagLogTitles() {
    }

    static String change(String flag, FlagChange change, int ring) {
        String subject = "Feature flag '" + flag + "' ";
        if (!(change instanceof FlagChange.Gate gate)) {
            return subject + "deleted" + on(ring);
        }
        GateChange g = gate.change();
        if (g instanceof GateChange.SetBoolean b) {
            return subject + "set to '" + b.enabled() + "'" + on(ring);
        }
        if (g instanceof GateChange.SetPercentage p) {
            return subject + "set to '" + Percentages.format(p.percentage()) + "%' of "
                    + (p.kind() == GateChange.PercentageKind.ACTORS ? "actors" : "time") + on(ring);
        }
        GateChange.SetActors a = (GateChange.SetActors) g;
        return subject + "set to '" + a.enable() + "' for " + a.kind().wireName().replace('_', ' ') + " '"
                + String.join(", ", a.actors()) + "'" + on(ring);
    }

    static String rollback(String flag, int ring, long rolloutId) {
        return "Feature flag '" + flag + "' restored" + on(ring) + " (rollback of rollout " + rolloutId + ")";
    }

    static String withFailures(String title, int failed, int cells) {
        return failed == 0 ? title : title + " (" + failed + " of " + cells + " cells failed)";
    }

    private static String on(int ring) {
        return " on ring " + ring;
    }
}
