package dev.sockq.bus;

import java.util.List;

/**
 * The session traffic one socket verticle produced in one event-loop turn, for one daemon
 * shard, in order: one event-bus message (and at most one wake-up of the daemon's thread)
 * for all the connections that turn read from.
 */
public record SessionInputs(List<SessionInput> inputs) {
}
