package dev.sockq.bus;

/** The beanstalkd 1.12 commands, plus ERROR for a reply the framer already decided. */
public enum Op {
    PUT, USE, RESERVE, RESERVE_WITH_TIMEOUT, RESERVE_JOB, DELETE, RELEASE, BURY, TOUCH,
    WATCH, IGNORE, PEEK, PEEK_READY, PEEK_DELAYED, PEEK_BURIED, KICK, KICK_JOB,
    STATS_JOB, STATS_TUBE, STATS, LIST_TUBES, LIST_TUBE_USED, LIST_TUBES_WATCHED,
    PAUSE_TUBE, QUIT,
    /** Not a client command: a protocol error (BAD_FORMAT, JOB_TOO_BIG...) answered in order. */
    ERROR
}
