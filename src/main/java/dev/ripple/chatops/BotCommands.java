package dev.ripple.chatops;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Chat commands sent by other bots for their users ({@code POST /api/v1/chatops/command}): the user is mapped like a
 * Slack user, and what the command may do is decided by that user's roles, never by the bot's.
 */
@ApplicationScoped
public class BotCommands {
    private final ChatUsers users;
    private final ChatCommands commands;
    private final ChatRequests requests;

    BotCommands(ChatUsers users, ChatCommands commands, ChatRequests requests) {
        this.users = users;
        this.commands = commands;
        this.requests = requests;
    }

    /**
     * @param bot            the bot's principal name, from its token
     * @param idempotencyKey the same key with the same user and text answers the first reply; or null
     */
    public ChatReply run(String bot, String user, String text, String idempotencyKey) {
        ChatUser chatUser = users.resolve(user, bot);
        if (idempotencyKey == null) {
            return commands.run(chatUser, text, null);
        }
        return requests.once("bot:" + bot + ":" + idempotencyKey, user + "\n" + text,
                key -> commands.run(chatUser, text, key));
    }
}
