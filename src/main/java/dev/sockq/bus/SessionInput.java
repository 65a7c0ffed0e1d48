package dev.sockq.bus;

import java.util.List;

/**
 * What a socket verticle tells the daemon about one client session: it opened, it sent
 * commands (all complete ones from one read, in order), or it closed.
 *
 * @param sessionId    unique per daemon, chosen by the sender
 * @param replyAddress where the daemon sends {@link SessionOutput}s for this session
 * @param commands     the commands, empty for OPEN and CLOSE
 */
public record SessionInput(Kind kind, long sessionId, String replyAddress, List<Command> commands) {
    /** What happened to the session. */
    public enum Kind { OPEN, COMMANDS, CLOSE,
        /** A shard router no longer needs the session's wait: end it with TIMED_OUT if it still runs. */
        CANCEL_WAIT }

    public static SessionInput open(long sessionId, String replyAddress) {
        return new SessionInput(Kind.OPEN, sessionId, replyAddress, List.of());
    }

    public static SessionInput commands(long sessionId, List<Command> commands) {
        return new SessionInput(Kind.COMMANDS, sessionId, null, commands);
    }

    public static SessionInput cancelWait(long sessionId) {
        return new SessionInput(Kind.CANCEL_WAIT, sessionId, null, List.of());
    }

    public static SessionInput close(long sessionId) {
        return new SessionInput(Kind.CLOSE, sessionId, null, List.of());
    }
}
