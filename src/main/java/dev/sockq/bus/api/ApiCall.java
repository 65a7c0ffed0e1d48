package dev.sockq.bus.api;

import dev.sockq.bus.Command;

import java.util.List;

/**
 * A checked event-bus request, ready for the daemon.
 *
 * @param tube       PUT: the tube to put into; RUN: the tube the command runs on (kick, peek-ready...), or null
 * @param tubes      RESERVE: the tubes to take a job from
 * @param timeoutSec RESERVE: how long to wait (0 = answer at once)
 */
public record ApiCall(Kind kind, Command command, String tube, List<String> tubes, long timeoutSec) {
    /** How the daemon runs it. */
    public enum Kind {
        /** Daemon.putInto(tube, command). */
        PUT,
        /** Daemon.reserveDetached on a fresh session watching {@code tubes}. */
        RESERVE,
        /** Daemon.runDetached on the bus owner's session. */
        RUN
    }

    static ApiCall run(Command c) {
        return new ApiCall(Kind.RUN, c, null, List.of(), 0);
    }

    static ApiCall runOn(String tube, Command c) {
        return new ApiCall(Kind.RUN, c, tube, List.of(), 0);
    }
}
