package dev.sockq.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent copy of the daemon's counters, taken on its thread, for metrics.
 *
 * @param commands how many of each beanstalkd command ran, by command name (e.g. "put")
 * @param journal  the journal's counters (records, migrated, files), empty without a journal
 * @param wakeupsSaved tasks the daemon's thread took while still awake from a spin (see {@link IdleSpinQueue})
 */
public record Snapshot(List<TubeCounts> tubes, Map<String, Long> commands, long jobTimeouts, long connections,
                       long totalConnections, long totalJobs, long waiting, boolean draining,
                       Map<String, Long> journal, long wakeupsSaved) {

    /** The same counters with the thread's saved wake-ups, which only the verticle knows. */
    public Snapshot withWakeupsSaved(long n) {
        return new Snapshot(tubes, commands, jobTimeouts, connections, totalConnections, totalJobs, waiting, draining,
                journal, n);
    }

    /** Several daemon shards' counters as one: tubes side by side (each lives on one shard), counts added. */
    public static Snapshot sum(List<Snapshot> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<TubeCounts> tubes = new ArrayList<>();
        Map<String, Long> commands = new LinkedHashMap<>();
        Map<String, Long> journal = new LinkedHashMap<>();
        long timeouts = 0, connections = 0, totalConnections = 0, totalJobs = 0, waiting = 0, wakeupsSaved = 0;
        boolean draining = false;
        for (Snapshot s : parts) {
            tubes.addAll(s.tubes);
            s.commands.forEach((k, v) -> commands.merge(k, v, Long::sum));
            s.journal.forEach((k, v) -> journal.merge(k, v, Long::sum));
            timeouts += s.jobTimeouts;
            connections += s.connections;
            totalConnections += s.totalConnections;
            totalJobs += s.totalJobs;
            waiting += s.waiting;
            wakeupsSaved += s.wakeupsSaved;
            draining |= s.draining;
        }
        return new Snapshot(tubes, commands, timeouts, connections, totalConnections, totalJobs, waiting, draining,
                journal, wakeupsSaved);
    }

    /** Jobs of one tube by state, and the clients waiting on it. */
    public record TubeCounts(String name, long ready, long reserved, long delayed, long buried, long waiting) {
    }
}
