package dev.ripple.chatops;

/** A command that does not parse: what was wrong, and the usage of the command it was meant to be. */
public class InvalidCommand extends RuntimeException {
    private final String usage;

    public InvalidCommand(String problem, String usage) {
        super(problem);
        this.usage = usage;
    }

    /** What was wrong, in one line. */
    public String problem() {
        return getMessage();
    }

    /** The usage line(s) of the command, as {@code help} shows them. */
    public String usage() {
        return usage;
    }

    /** The chat reply: the problem, then the usage. */
    public String reply() {
        return problem() + (usage.contains("\n") ? "\nUsage:\n" : "\nUsage: ") + usage;
    }
}
