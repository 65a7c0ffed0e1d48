package dev.sockq.client;

/** A reply other than the one a command succeeds with (NOT_FOUND, TIMED_OUT, BAD_FORMAT, ...). */
public final class BeanstalkException extends RuntimeException {
    private final String reply;

    public BeanstalkException(String line) {
        super(line);
        int sp = line.indexOf(' ');
        this.reply = sp < 0 ? line : line.substring(0, sp);
    }

    /** The reply's first word, e.g. {@code NOT_FOUND}: what callers branch on. */
    public String reply() {
        return reply;
    }
}
