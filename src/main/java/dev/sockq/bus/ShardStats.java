package dev.sockq.bus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How server `stats` combine across daemon shards: counts of things (jobs, commands,
 * connections, tubes, journal records) add up; counts of clients by role (producers, workers,
 * waiting) count each client once, from the session ids each shard lists; facts about the
 * process (pid, version, uptime, rusage, limits, journal indexes, sockq's own datagram/push
 * counters) are taken from one shard.
 */
public final class ShardStats {
    /** Lines a shard adds to its `stats` (with several shards only): its sessions in each role, ids after the colon. */
    public static final String PRODUCER_SESSIONS = "shard-producer-sessions";
    public static final String WORKER_SESSIONS = "shard-worker-sessions";
    public static final String WAITING_SESSIONS = "shard-waiting-sessions";
    /** The per-client counts and the shard line that lists their sessions. */
    public static final Map<String, String> PER_CLIENT = Map.of(
            "current-producers", PRODUCER_SESSIONS,
            "current-workers", WORKER_SESSIONS,
            "current-waiting", WAITING_SESSIONS);

    private ShardStats() {
    }

    /** Whether the `stats` key {@code key} is summed across shards. */
    public static boolean summed(String key) {
        return (key.startsWith("current-") && !PER_CLIENT.containsKey(key)) || key.startsWith("cmd-")
                || key.equals("total-jobs") || key.equals("total-connections") || key.equals("job-timeouts")
                || key.startsWith("binlog-records-");
    }

    /** Whether {@code key} is one of the shard-only lines, never shown to clients. */
    public static boolean shardOnly(String key) {
        return key.startsWith("shard-");
    }

    /** Distinct sessions per role, gathered from the shards' session lines. */
    public static final class Clients {
        private final Map<String, Set<Long>> byLine = new HashMap<>();

        /** Takes one shard line: {@code key} is a session line, {@code ids} its value (ids apart by spaces). */
        public void add(String key, String ids) {
            Set<Long> set = byLine.computeIfAbsent(key, k -> new HashSet<>());
            for (String id : ids.trim().split(" +")) {
                if (!id.isEmpty()) {
                    set.add(Long.parseLong(id));
                }
            }
        }

        /** The combined count for a per-client key, or null if {@code key} is not one. */
        public Long count(String key) {
            String line = PER_CLIENT.get(key);
            return line == null ? null : (long) byLine.getOrDefault(line, Set.of()).size();
        }
    }
}
