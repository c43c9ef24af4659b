package dev.ripple.chatops;

import dev.ripple.rollout.RolloutService;
import dev.ripple.sandbox.SandboxFleet;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test against the sandbox fleet: each test starts from a fresh fleet and leaves no rollout active. */
abstract class OnTheSandbox {
    @Inject
    RolloutService rollouts;
    @Inject
    SandboxFleet fleet;

    @BeforeEach
    void freshFleet() {
        fleet.reset();
    }

    @AfterEach
    void endActiveRollouts() {
        Cleanup.abortActiveRollouts(rollouts);
    }
}
