package dev.sockq.bus;

/**
 * Bytes the daemon sends back to one session: the replies to one or more commands, in
 * order, and whether the session must close after them (quit).
 *
 * @param answered how many commands these bytes complete (for the sender's flow control)
 */
public record SessionOutput(long sessionId, byte[] bytes, int answered, boolean close) {
}
