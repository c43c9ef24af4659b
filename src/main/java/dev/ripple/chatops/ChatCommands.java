package dev.ripple.chatops;

import dev.ripple.audit.AuditLog;
import dev.ripple.audit.AuditRequest;
import dev.ripple.auth.Access;
import dev.ripple.auth.AccessDenied;
import dev.ripple.auth.Principal;
import dev.ripple.auth.RateLimitExceeded;
import dev.ripple.auth.RateLimiter;
import dev.ripple.auth.Role;
import dev.ripple.cache.FleetFlags;
import dev.ripple.chatops.ChatReply.Refusal;
import dev.ripple.incidents.Incident;
import dev.ripple.incidents.IncidentRefusedException;
import dev.ripple.incidents.IncidentService;
import dev.ripple.rollout.FlagBusyException;
import dev.ripple.rollout.IdempotencyKeyReuse;
import dev.ripple.rollout.Mode;
import dev.ripple.rollout.OperationRefused;
import dev.ripple.rollout.Rollout;
import dev.ripple.rollout.RolloutRejected;
import dev.ripple.rollout.RolloutRequest;
import dev.ripple.rollout.RolloutService;
import dev.ripple.rollout.RolloutState;
import dev.ripple.rollout.RolloutStore;
import dev.ripple.rollout.RolloutSummary;
import dev.ripple.rollout.TooManyStarts;
import dev.ripple.topology.Ring;
import dev.ripple.topology.TopologyService;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs chat commands for a chat user, through the same services the REST API calls and under the same role rules
 * ({@link Access}): reads need a viewer, changes, plans and rollout operations an engineer, {@code --immediate} and
 * incidents an SRE; changes count against the chat user's rate limit, whichever bot relays them. Never throws: every outcome, refusals included, is a {@link ChatReply}. Every command that would
 * change something is recorded in the audit log, whether it ran or was refused.
 */
@ApplicationScoped
public class ChatCommands {
    private static final Logger LOG = Logger.getLogger(ChatCommands.class);
    /** Rollouts of each active state read for {@code rollouts --active}. */
    private static final int ACTIVE_PER_STATE = 20;

    private final RolloutService rollouts;
    private final IncidentService incidents;
    private final FleetFlags flags;
    private final TopologyService topology;
    private final AuditLog audit;
    private final RateLimiter limiter;

    ChatCommands(RolloutService rollouts, IncidentService incidents, FleetFlags flags, TopologyService topology,
                 AuditLog audit, RateLimiter limiter) {
        this.rollouts = rollouts;
        this.incidents = incidents;
        this.flags = flags;
        this.topology = topology;
        this.audit = audit;
        this.limiter = limiter;
    }

    /**
     * Parses and runs {@code text}.
     *
     * @param idempotencyKey given to a rollout this starts, so a repeated request returns the same rollout; or null
     */
    public ChatReply run(ChatUser user, String text, String idempotencyKey) {
        ChatCommand command;
        try {
            command = CommandParser.parse(text);
        } catch (InvalidCommand e) {
            return ChatReply.refused(null, new Refusal("invalid-command", 400, e.reply(),
                    Map.of("problem", e.problem(), "usage", e.usage())));
        }
        ChatReply reply;
        if (!user.mapped() && !(command instanceof ChatCommand.Help)) {
            reply = ChatReply.refused(command, new Refusal("forbidden", 403, "You are not mapped to a Ripple user ("
                    + user.id() + "), so only `help` works for you. Ask a Ripple admin to map you to a role"
                    + " (ripple.chatops.users.\"" + user.id() + "\".roles).", Map.of()));
        } else {
            try {
                reply = execute(user.principal(), command, idempotencyKey);
            } catch (RuntimeException e) {
                reply = ChatReply.refused(command, refusal(e, command));
            }
        }
        if (command.mutating()) {
            audit.recordRequest(new AuditRequest(user.principal(), command.action(), text,
                    reply.ok() ? 200 : reply.refusal().status(), reply.text().lines().findFirst().orElse("")));
        }
        return reply;
    }

    private ChatReply execute(Principal principal, ChatCommand command, String idempotencyKey) {
        if (command instanceof ChatCommand.Help) {
            return ChatReply.ok(command, Replies.help());
        }
        if (command instanceof ChatCommand.FeatureGet get) {
            Access.require(principal, Role.VIEWER, "read flags");
            FleetFlags.Flag flag = flags.flag(topology.current(), get.flag()).orElseThrow(() -> new Refused(
                    "unknown-flag", 404, "no flag '" + get.flag() + "' is defined in rings/ or set on any cell"));
            return ChatReply.ok(command, Replies.flag(flag, rollouts.activeFor(get.flag())));
        }
        if (command instanceof ChatCommand.FeatureList list) {
            Access.require(principal, Role.VIEWER, "read flags");
            return ChatReply.ok(command, Replies.flags(flags.list(topology.current(), list.match()), list.match()));
        }
        if (command instanceof ChatCommand.FeatureChange change) {
            return change(principal, change, idempotencyKey);
        }
        if (command instanceof ChatCommand.RolloutStatus status) {
            Access.require(principal, Role.VIEWER, "read rollouts");
            return ChatReply.ok(command, Replies.status(rollout(status.id()))).withRollout(status.id());
        }
        if (command instanceof ChatCommand.RolloutOperation op) {
            Access.require(principal, Role.ENGINEER, op.operation().wireName() + " a rollout");
            limiter.acquire(principal.name());
            rollout(op.id());
            Rollout after = rollouts.operate(op.id(), op.operation(), principal.name(), op.reason());
            return ChatReply.ok(command, Replies.operated(after, op.operation(), principal.name()))
                    .withRollout(op.id());
        }
        if (command instanceof ChatCommand.RolloutList list) {
            Access.require(principal, Role.VIEWER, "read rollouts");
            return ChatReply.ok(command, Replies.rollouts(list.activeOnly() ? active() : rollouts.list(
                    Optional.empty(), Optional.empty(), null, Replies.LIST_MAX + 1), list.activeOnly()));
        }
        if (command instanceof ChatCommand.IncidentOpen open) {
            Access.require(principal, Role.SRE, "open an incident");
            limiter.acquire(principal.name());
            String title = open.title() != null ? open.title() : "opened from chat by " + principal.name();
            Incident opened = incidents.open(open.ring(), open.severity(), title, open.link(), principal.name(),
                    idempotencyKey).incident();
            return ChatReply.ok(command, Replies.incidentOpened(opened)).withIncident(opened.id());
        }
        ChatCommand.IncidentClose close = (ChatCommand.IncidentClose) command;
        Access.require(principal, Role.SRE, "close an incident");
        limiter.acquire(principal.name());
        Incident closed = incidents.close(close.id(), principal.name());
        return ChatReply.ok(command, Replies.incidentClosed(closed)).withIncident(closed.id());
    }

    private ChatReply change(Principal principal, ChatCommand.FeatureChange change, String idempotencyKey) {
        Mode mode = change.immediate() ? Mode.IMMEDIATE : Mode.GRADUAL;
        if (change.dryRun()) {
            // As the rollout API's dry run: a plan is asked for by those who may start one.
            Access.require(principal, Role.ENGINEER, "ask for a rollout's plan");
        } else {
            Access.requireToStart(principal, mode);
            limiter.acquire(principal.name());
        }
        int upTo = !change.cells().isEmpty() ? Ring.QUARANTINE_ID
                : change.ring() != null ? change.ring() : rollouts.outermostRing();
        RolloutRequest request = new RolloutRequest(change.flag(), change.change(), upTo, mode, change.cells(),
                principal.name(), change.reason(), change.issue(), idempotencyKey);
        if (change.dryRun()) {
            return ChatReply.ok(change, Replies.dryRun(rollouts.dryRun(request)));
        }
        RolloutStore.Created created = rollouts.start(request);
        return ChatReply.ok(change, Replies.started(created)).withRollout(created.rollout().id());
    }

    private Rollout rollout(long id) {
        return rollouts.find(id).orElseThrow(() -> new Refused("unknown-rollout", 404, "no rollout " + id
                + "; `rollouts` lists the newest"));
    }

    /** Every active rollout, newest first. */
    private List<RolloutSummary> active() {
        List<RolloutSummary> active = new ArrayList<>();
        for (RolloutState state : RolloutState.values()) {
            if (!state.isTerminal()) {
                active.addAll(rollouts.list(Optional.empty(), Optional.of(state), null, ACTIVE_PER_STATE));
            }
        }
        active.sort(Comparator.comparingLong(RolloutSummary::id).reversed());
        return active;
    }

    /** The one-line refusal for what a service refused, with the code its REST endpoint answers. */
    private static Refusal refusal(RuntimeException e, ChatCommand command) {
        if (e instanceof Refused r) {
            return new Refusal(r.code, r.status, "Refused: " + r.getMessage(), Map.of());
        }
        if (e instanceof RateLimitExceeded r) {
            return new Refusal("rate-limited", 429, "Refused: " + r.getMessage(), Map.of("retryAfterSeconds",
                    r.retryAfterSeconds()));
        }
        if (e instanceof AccessDenied d) {
            return new Refusal("forbidden", 403, "Not allowed: " + d.getMessage(), Map.of("neededRole",
                    d.needed().id()));
        }
        if (e instanceof RolloutRejected r) {
            // As the rollout API answers them: its own codes are wire codes, the rest are bad parameters.
            String code = r.code().equals("unknown-cell") || r.code().equals("bad-request") ? "bad-parameter"
                    : r.code();
            return new Refusal(code, 400, "Refused: " + r.getMessage(), Map.of());
        }
        if (e instanceof TooManyStarts t) {
            return new Refusal("too-many-starts", 503, "Not now: " + t.getMessage(), Map.of("retryAfterSeconds",
                    TooManyStarts.RETRY_AFTER_SECONDS));
        }
        if (e instanceof FlagBusyException b) {
            return new Refusal("rollout-active", 409, "Refused: " + b.getMessage() + " (`rollout status "
                    + b.activeId() + "`)", Map.of("activeRollout", b.activeId()));
        }
        if (e instanceof OperationRefused o) {
            return new Refusal("operation-not-allowed", 409, "Refused: " + o.getMessage(), Map.of("state",
                    o.state().wireName()));
        }
        if (e instanceof IdempotencyKeyReuse k) {
            return new Refusal("idempotency-key-reused", 422, "Refused: " + k.getMessage(), Map.of("rollout",
                    k.rolloutId()));
        }
        if (e instanceof IncidentRefusedException i) {
            switch (i.reason()) {
                case UNKNOWN:
                    return new Refusal("unknown-incident", 404, "Refused: " + i.getMessage(), Map.of());
                case CLOSED:
                    return new Refusal("incident-closed", 409, "Refused: " + i.getMessage(), Map.of());
                case NOT_CLOSABLE:
                    return new Refusal("incident-not-closable", 409, "Refused: " + i.getMessage(), Map.of());
                default:
                    return new Refusal("invalid-field", 400, "Refused: " + i.getMessage(),
                            i.field() == null ? Map.of() : Map.of("field", i.field()));
            }
        }
        LOG.errorf(e, "Chat command '%s' failed", command.action());
        return new Refusal("internal-error", 500, "Ripple failed to run this command; the cause is in its log",
                Map.of());
    }

    /** A refusal this class decides itself (an unknown rollout or flag), with its code and status. */
    private static final class Refused extends RuntimeException {
        private final String code;
        private final int status;

        Refused(String code, int status, String message) {
            super(message);
            this.code = code;
            this.status = status;
        }
    }
}
