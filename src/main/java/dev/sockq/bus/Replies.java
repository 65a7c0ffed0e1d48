package dev.sockq.bus;

/** The fixed beanstalkd reply lines, byte for byte. */
public final class Replies {
    public static final String OUT_OF_MEMORY = "OUT_OF_MEMORY\r\n";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR\r\n";
    public static final String DRAINING = "DRAINING\r\n";
    public static final String BAD_FORMAT = "BAD_FORMAT\r\n";
    public static final String UNKNOWN_COMMAND = "UNKNOWN_COMMAND\r\n";
    public static final String EXPECTED_CRLF = "EXPECTED_CRLF\r\n";
    public static final String JOB_TOO_BIG = "JOB_TOO_BIG\r\n";
    public static final String NOT_FOUND = "NOT_FOUND\r\n";
    public static final String DEADLINE_SOON = "DEADLINE_SOON\r\n";
    public static final String TIMED_OUT = "TIMED_OUT\r\n";
    public static final String DELETED = "DELETED\r\n";
    public static final String RELEASED = "RELEASED\r\n";
    public static final String BURIED = "BURIED\r\n";
    public static final String TOUCHED = "TOUCHED\r\n";
    public static final String KICKED = "KICKED\r\n";
    public static final String PAUSED = "PAUSED\r\n";
    public static final String NOT_IGNORED = "NOT_IGNORED\r\n";

    private Replies() {
    }
}
