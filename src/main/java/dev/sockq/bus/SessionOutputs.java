package dev.sockq.bus;

import java.util.List;

/**
 * What the daemon owes the sessions of one socket verticle after one batch of work, in order:
 * one event-bus message (and at most one wake-up of that verticle's event loop) for all of them.
 */
public record SessionOutputs(List<SessionOutput> outputs) {
}
