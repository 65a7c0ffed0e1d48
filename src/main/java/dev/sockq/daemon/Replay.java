package dev.sockq.daemon;

/**
 * What journal replay rebuilds in the daemon, record by record in the order they were written.
 * Times are wall-clock milliseconds, as the journal keeps them. Jobs become visible (ready,
 * delayed or buried in their tubes) only at {@link #finish()}, so a record that changes a job
 * later in the journal costs a field update, not a heap operation.
 */
public interface Replay {
    /** A job's whole lasting state (a put, or a copy made by compaction); replaces an earlier one. */
    void job(long id, String tube, JobState state, long pri, long delayUntil, long ttrMs, byte[] body,
             String token, long tokenAt);

    /** The job is now ready, delayed until {@code delayUntil}, or buried, with this priority. */
    void update(long id, JobState state, long pri, long delayUntil);

    void delete(long id);

    /** Puts every replayed job in its tube; reserved jobs come back ready, as in beanstalkd. */
    void finish();
}
