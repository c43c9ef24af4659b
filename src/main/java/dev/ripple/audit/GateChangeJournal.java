package dev.ripple.audit;

import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.TimelineEvent;

import java.util.List;

/**
 * Turns a rollout step's cell facts (cell-changed, cell-failed, cell-restored, restore-failed) into audit gate changes
 * and feature-flag log entries. The rollout store calls it inside the transaction that stores those facts, so the
 * audit rows commit, or roll back, with them: a crash can neither lose one nor record one the facts do not have.
 */
public interface GateChangeJournal {

    /**
     * @param rollout the rollout as the step left it: its cells hold what each fact reports
     * @param facts   the fact events the step is storing, in order
     */
    void record(Rollout rollout, List<TimelineEvent> facts);
}
