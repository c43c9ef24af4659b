package dev.ripple.chatops;

import java.util.Map;

/**
 * What a chat command answers: the text for the channel, and for bots what it did ({@code rolloutId},
 * {@code incidentId}) or why it was refused ({@code refusal}).
 *
 * @param command   the command's action ({@code feature set}), or null when the text did not parse
 * @param inChannel whether the whole channel should see it; refusals, usage and help only go to the one who asked
 */
public record ChatReply(String command, String text, boolean inChannel, Long rolloutId, String incidentId,
                        Refusal refusal) {

    public boolean ok() {
        return refusal == null;
    }

    static ChatReply ok(ChatCommand command, String text) {
        return new ChatReply(command.action(), text, !(command instanceof ChatCommand.Help), null, null, null);
    }

    static ChatReply refused(ChatCommand command, Refusal refusal) {
        return new ChatReply(command == null ? null : command.action(), refusal.text(), false, null, null, refusal);
    }

    ChatReply withRollout(long id) {
        return new ChatReply(command, text, inChannel, id, incidentId, refusal);
    }

    ChatReply withIncident(String id) {
        return new ChatReply(command, text, inChannel, rolloutId, id, refusal);
    }

    /**
     * Why a command did nothing, with the stable code the REST API answers for the same refusal
     * ({@code invalid-command}, {@code forbidden}, {@code unknown-flag-definition}, {@code rollout-active} ...), the
     * HTTP status that goes with it, and details a bot may want ({@code usage}, {@code activeRollout}, {@code state}).
     */
    public record Refusal(String code, int status, String text, Map<String, Object> details) {
        public Refusal {
            details = Map.copyOf(details);
        }
    }
}
