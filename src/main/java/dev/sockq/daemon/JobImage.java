package dev.sockq.daemon;

/**
 * A job's lasting state, as the journal stores it and the daemon restores it.
 *
 * @param state   READY, DELAYED or BURIED (a reserved job is stored as READY)
 * @param delayMs for DELAYED: the delay still to run
 * @param token   the datagram id token that inserted it, or null
 * @param tokenAgeMs how long ago the token was first seen
 */
public record JobImage(long id, String tube, JobState state, long pri, long delayMs, long ttrMs, byte[] body,
                       String token, long tokenAgeMs) {
}
