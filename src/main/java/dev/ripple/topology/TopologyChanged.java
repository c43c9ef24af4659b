package dev.ripple.topology;

/**
 * Fired (as a CDI event) whenever a new {@link Topology} starts serving: at startup ({@code previous} is null) and
 * after every successful reload that changed something.
 */
public record TopologyChanged(Topology previous, Topology current) {
}
