package dev.sockq.daemon;

import java.util.Map;

/**
 * Where the daemon records the state changes that must survive a restart (the journal), in
 * the order it makes them. Reservations, TTR timeouts and delays running out are not recorded:
 * after a restart a reserved job is back in its last recorded state, as in beanstalkd.
 */
public interface Durability {
    /** Whether a put of this many body bytes can be recorded now (false: answer OUT_OF_MEMORY). */
    boolean canAccept(int bodyBytes);

    /**
     * After {@link #canAccept} said no: whether space is on its way (a file being preallocated), so
     * the put should wait (see {@link Daemon#resumeStalled()}) instead of being refused. A burst must
     * not turn into OUT_OF_MEMORY just because preallocation is a few milliseconds behind.
     */
    default boolean spaceComing() {
        return false;
    }

    /** A new job; {@code delayMs} is the delay still to run, {@code token} the datagram id or null. */
    void put(long id, String tube, long pri, long delayMs, long ttrMs, byte[] body, String token);

    /** The job is now ready, delayed ({@code delayMs} to run) or buried, with this priority. */
    void update(long id, JobState state, long pri, long delayMs);

    void delete(long id);

    /** beanstalkd's binlog-* stats lines (oldest and current index, records, segment size). */
    default String binlogStats() {
        return "binlog-oldest-index: 0\n"
                + "binlog-current-index: 0\n"
                + "binlog-records-migrated: 0\n"
                + "binlog-records-written: 0\n"
                + "binlog-max-size: 0\n";
    }

    /** Counters for metrics (e.g. records written); empty when nothing is kept. */
    default Map<String, Long> metrics() {
        return Map.of();
    }

    /** Keeps nothing: jobs live in memory only. */
    Durability NONE = new Durability() {
        public boolean canAccept(int bodyBytes) {
            return true;
        }

        public void put(long id, String tube, long pri, long delayMs, long ttrMs, byte[] body, String token) {
        }

        public void update(long id, JobState state, long pri, long delayMs) {
        }

        public void delete(long id) {
        }
    };
}
