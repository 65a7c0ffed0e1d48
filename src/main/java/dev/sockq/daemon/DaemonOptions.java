package dev.sockq.daemon;

import dev.sockq.config.PushBinding;
import dev.sockq.journal.JournalOptions;
import dev.sockq.ops.PushCounters;

import java.util.List;
import java.util.function.Supplier;

/**
 * Settings of the daemon worker.
 *
 * @param journal    where and how to journal, or null to keep jobs in memory only
 * @param extraStats YAML lines appended to `stats` (sockq's own counters)
 * @param busApi     whether to serve the public event-bus API (sockq.put, sockq.reserve...)
 * @param push       tubes bound to consumer addresses, with their counters at the same index in {@code pushCounters}
 * @param maxTubes, maxJobBytes, maxSessionOutput memory limits, see {@link Daemon#setLimits}
 * @param shard, shards which daemon shard this is, of how many (see {@link Daemon#setShard})
 * @param budget     shared by all shards when there are several (the limits hold server-wide), else null
 * @param spinNanos  how long the daemon's thread stays awake while one client talks alone (see {@link IdleSpinQueue})
 */
public record DaemonOptions(long maxJobSize, long dedupeWindowMs, int dedupeMaxTokens, JournalOptions journal,
                            Supplier<String> extraStats, boolean busApi, List<PushBinding> push,
                            List<PushCounters> pushCounters, int maxTubes, long maxJobBytes, long maxSessionOutput,
                            int shard, int shards, ShardBudget budget, long spinNanos) {
}
