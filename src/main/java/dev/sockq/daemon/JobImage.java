package dev.sockq.daemon;

/**
 * A live job's lasting state, as the journal's compaction copies it forward.
 *
 * @param state   READY, DELAYED or BURIED (a reserved job is stored as READY)
 * @param delayMs for DELAYED: the delay still to run
 */
public record JobImage(long id, String tube, JobState state, long pri, long delayMs, long ttrMs, byte[] body) {
}
