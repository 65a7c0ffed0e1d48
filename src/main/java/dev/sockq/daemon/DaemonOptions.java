package dev.sockq.daemon;

import java.util.function.Supplier;

/**
 * Settings of the daemon worker.
 *
 * @param extraStats YAML lines appended to `stats` (sockq's own counters)
 */
public record DaemonOptions(long maxJobSize, long dedupeWindowMs, int dedupeMaxTokens, Supplier<String> extraStats) {
}
