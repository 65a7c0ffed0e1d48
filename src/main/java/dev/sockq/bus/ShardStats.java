package dev.sockq.bus;

/**
 * How server `stats` combine across daemon shards: counts of things (jobs, commands,
 * connections, tubes, journal records) add up; facts about the process (pid, version, uptime,
 * rusage, limits, journal indexes, sockq's own datagram/push counters) are taken from one shard.
 */
public final class ShardStats {
    private ShardStats() {
    }

    /** Whether the `stats` key {@code key} is summed across shards. */
    public static boolean summed(String key) {
        return key.startsWith("current-") || key.startsWith("cmd-") || key.equals("total-jobs")
                || key.equals("total-connections") || key.equals("job-timeouts")
                || key.startsWith("binlog-records-");
    }
}
