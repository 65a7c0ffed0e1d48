package dev.sockq.daemon;

import dev.sockq.journal.JournalOptions;

import java.util.function.Supplier;

/**
 * Settings of the daemon worker.
 *
 * @param journal    where and how to journal, or null to keep jobs in memory only
 * @param extraStats YAML lines appended to `stats` (sockq's own counters)
 * @param maxTubes, maxJobBytes, maxSessionOutput memory limits, see {@link Daemon#setLimits}
 */
public record DaemonOptions(long maxJobSize, long dedupeWindowMs, int dedupeMaxTokens, JournalOptions journal,
                            Supplier<String> extraStats, int maxTubes, long maxJobBytes, long maxSessionOutput) {
}
