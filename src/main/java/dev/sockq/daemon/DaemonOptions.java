package dev.sockq.daemon;

import dev.sockq.journal.JournalOptions;

import java.util.function.Supplier;

/**
 * Settings of the daemon worker.
 *
 * @param journal    where and how to journal, or null to keep jobs in memory only
 * @param extraStats YAML lines appended to `stats` (sockq's own counters)
 * @param busApi     whether to serve the public event-bus API (sockq.put, sockq.reserve...)
 */
public record DaemonOptions(long maxJobSize, long dedupeWindowMs, int dedupeMaxTokens, JournalOptions journal,
                            Supplier<String> extraStats, boolean busApi) {
}
