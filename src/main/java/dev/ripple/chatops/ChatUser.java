package dev.ripple.chatops;

import dev.ripple.auth.Principal;

/**
 * Who typed a chat command: the chat id, and the principal it acts as. An unmapped user acts as a principal without
 * roles, named by the chat id, and may only run {@code help}.
 */
public record ChatUser(String id, Principal principal, boolean mapped) {
}
