package dev.ripple.chatops;

import dev.ripple.rollout.FlagChange;
import dev.ripple.rollout.Operation;

import java.util.List;
import java.util.Map;

/** A chat command as {@link CommandParser} reads it; {@link ChatCommands} runs it. */
public sealed interface ChatCommand {

    /** How the audit log names it: {@code feature set}, {@code rollout pause}, {@code incident open} ... */
    default String action() {
        return ACTIONS.get(getClass());
    }

    /** Whether it changes anything (and is therefore audited). */
    default boolean mutating() {
        return this instanceof IncidentOpen || this instanceof IncidentClose;
    }

    /** The actions of the commands whose action does not depend on what they hold. */
    Map<Class<?>, String> ACTIONS = Map.of(FeatureGet.class, "feature get", FeatureList.class, "feature list",
            RolloutStatus.class, "rollout status", RolloutList.class, "rollouts", IncidentOpen.class, "incident open",
            IncidentClose.class, "incident close", Help.class, "help");

    /** {@code feature get NAME} */
    record FeatureGet(String flag) implements ChatCommand {
    }

    /** {@code feature list [--match TEXT]}; {@code match} is null for every flag. */
    record FeatureList(String match) implements ChatCommand {
    }

    /**
     * {@code feature set} and {@code feature delete}: one change, as a rollout.
     *
     * @param verb  {@code set} or {@code delete}
     * @param ring  the outermost ring to reach; null for the topology's outermost (or when {@code cells} are named)
     * @param cells single quarantine cells to target instead of rings; empty for a ring rollout
     */
    record FeatureChange(String verb, String flag, FlagChange change, Integer ring, List<String> cells,
                         boolean immediate, boolean dryRun, String reason, String issue) implements ChatCommand {
        public FeatureChange {
            cells = List.copyOf(cells);
        }

        @Override
        public String action() {
            return "feature " + verb;
        }

        @Override
        public boolean mutating() {
            return !dryRun;
        }
    }

    /** {@code rollout status ID} */
    record RolloutStatus(long id) implements ChatCommand {
    }

    /** {@code rollout pause|resume|promote|abort|rollback|retry ID [--reason=TEXT]} */
    record RolloutOperation(Operation operation, long id, String reason) implements ChatCommand {
        @Override
        public String action() {
            return "rollout " + operation.wireName();
        }

        @Override
        public boolean mutating() {
            return true;
        }
    }

    /** {@code rollouts [--active]} */
    record RolloutList(boolean activeOnly) implements ChatCommand {
    }

    /** {@code incident open --ring=N [--severity=S] [--link=URL] [--title=TEXT]}; null for what was not given. */
    record IncidentOpen(int ring, String severity, String link, String title) implements ChatCommand {
    }

    /** {@code incident close ID} */
    record IncidentClose(String id) implements ChatCommand {
    }

    /** {@code help} (and an empty command). */
    record Help() implements ChatCommand {
    }
}
