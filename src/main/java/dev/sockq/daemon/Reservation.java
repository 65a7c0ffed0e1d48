package dev.sockq.daemon;

/**
 * A job handed to a detached session (an event-bus reserve or a push dispatcher).
 *
 * @param reserves how many times the job has been reserved, this time included (a push attempt number)
 */
public record Reservation(long id, String tube, byte[] body, long pri, long ttrMs, int reserves) {
}
