package dev.sockq.daemon;

import java.util.List;
import java.util.Map;

/**
 * A consistent copy of the daemon's counters, taken on its thread, for metrics.
 *
 * @param commands how many of each beanstalkd command ran, by command name (e.g. "put")
 * @param journal  the journal's counters (records, migrated, files), empty without a journal
 */
public record Snapshot(List<TubeCounts> tubes, Map<String, Long> commands, long jobTimeouts, long connections,
                       long totalConnections, long totalJobs, long waiting, boolean draining,
                       Map<String, Long> journal) {

    /** Jobs of one tube by state, and the clients waiting on it. */
    public record TubeCounts(String name, long ready, long reserved, long delayed, long buried, long waiting) {
    }
}
