package dev.sockq.bus;

/** The beanstalkd 1.12 commands, plus ERROR for a reply the framer already decided. */
public enum Op {
    PUT, USE, RESERVE, RESERVE_WITH_TIMEOUT, RESERVE_JOB, DELETE, RELEASE, BURY, TOUCH,
    WATCH, IGNORE, PEEK, PEEK_READY, PEEK_DELAYED, PEEK_BURIED, KICK, KICK_JOB,
    STATS_JOB, STATS_TUBE, STATS, LIST_TUBES, LIST_TUBE_USED, LIST_TUBES_WATCHED,
    PAUSE_TUBE, QUIT,
    /** Not a client command: a protocol error (BAD_FORMAT, JOB_TOO_BIG...) answered in order. */
    ERROR,
    // Below: not client commands, sent by a connection's shard router to one daemon shard (never counted).
    /** A tentative reserve: the job is held by the shard session and answered as OFFERED id pri bytes. */
    OFFER,
    /** Gives back a job an OFFER handed out, as if it had never been reserved (no reply). */
    DECLINE,
    /** The connection now uses a tube on another shard: this shard's session uses none (no reply). */
    UNUSE,
    /** This shard's part of a `stats` counted on another shard. */
    STATS_PART,
    /** This shard's part of a `list-tubes` counted on another shard. */
    LIST_TUBES_PART;

    /** Whether this is a beanstalkd command (or ERROR), not a shard router's internal step. */
    public boolean isProtocol() {
        return ordinal() <= ERROR.ordinal();
    }
}
