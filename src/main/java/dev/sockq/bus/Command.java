package dev.sockq.bus;

/**
 * One parsed beanstalkd command on its way to the daemon; immutable, so it crosses the
 * event bus by reference.
 *
 * <p>Durations are in milliseconds (the protocol speaks seconds; the parser converts).
 */
public final class Command {
    public final Op op;
    /** Job id (delete, release, bury, touch, peek, kick-job, stats-job, reserve-job). */
    public final long id;
    /** Priority (put, release, bury); an unsigned 32-bit value. */
    public final long pri;
    /** Delay in ms (put, release, pause-tube). */
    public final long delayMs;
    /** Time to run in ms (put). */
    public final long ttrMs;
    /**
     * reserve-with-timeout seconds (negative = wait forever), kick bound, a put header's body
     * size, or the bytes an ERROR must skip before it is answered.
     */
    public final long count;
    /** Tube name (use, watch, ignore, stats-tube, pause-tube). */
    public final String tube;
    /** Job body without its trailing CRLF (put). */
    public final byte[] body;
    /** For {@link Op#ERROR}: the whole reply line, e.g. "BAD_FORMAT\r\n". */
    public final String error;
    /** For {@link Op#ERROR}: the command that failed after it was recognised (counted in stats), or null. */
    public final Op attempted;

    private Command(Op op, long id, long pri, long delayMs, long ttrMs, long count,
                    String tube, byte[] body, String error) {
        this(op, id, pri, delayMs, ttrMs, count, tube, body, error, null);
    }

    private Command(Op op, long id, long pri, long delayMs, long ttrMs, long count,
                    String tube, byte[] body, String error, Op attempted) {
        this.op = op;
        this.id = id;
        this.pri = pri;
        this.delayMs = delayMs;
        this.ttrMs = ttrMs;
        this.count = count;
        this.tube = tube;
        this.body = body;
        this.error = error;
        this.attempted = attempted;
    }

    public static Command simple(Op op) {
        return new Command(op, 0, 0, 0, 0, 0, null, null, null);
    }

    public static Command withId(Op op, long id) {
        return new Command(op, id, 0, 0, 0, 0, null, null, null);
    }

    public static Command withCount(Op op, long count) {
        return new Command(op, 0, 0, 0, 0, count, null, null, null);
    }

    public static Command withTube(Op op, String tube) {
        return new Command(op, 0, 0, 0, 0, 0, tube, null, null);
    }

    public static Command put(long pri, long delayMs, long ttrMs, byte[] body) {
        return new Command(Op.PUT, 0, pri, delayMs, ttrMs, 0, null, body, null);
    }

    public static Command release(long id, long pri, long delayMs) {
        return new Command(Op.RELEASE, id, pri, delayMs, 0, 0, null, null, null);
    }

    public static Command bury(long id, long pri) {
        return new Command(Op.BURY, id, pri, 0, 0, 0, null, null, null);
    }

    /** A put whose body has not been read yet; {@code count} holds the announced body size. */
    public static Command putHeader(long pri, long delayMs, long ttrMs, long bodySize) {
        return new Command(Op.PUT, 0, pri, delayMs, ttrMs, bodySize, null, null, null);
    }

    /** This put header completed with its body. */
    public Command withBody(byte[] body) {
        return new Command(Op.PUT, 0, pri, delayMs, ttrMs, 0, null, body, null);
    }

    public static Command pauseTube(String tube, long delayMs) {
        return new Command(Op.PAUSE_TUBE, 0, 0, delayMs, 0, 0, tube, null, null);
    }

    public static Command error(String replyLine) {
        return new Command(Op.ERROR, 0, 0, 0, 0, 0, null, null, replyLine);
    }

    /** A put that failed after its command line was accepted (JOB_TOO_BIG, EXPECTED_CRLF). */
    public static Command failedPut(String replyLine) {
        return failed(Op.PUT, replyLine);
    }

    /** A command that failed after beanstalkd would have counted it in `stats` (its cmd-* key). */
    public static Command failed(Op attempted, String replyLine) {
        return new Command(Op.ERROR, 0, 0, 0, 0, 0, null, null, replyLine, attempted);
    }

    /** A failed put answered only after {@code bytes} more input bytes are read and dropped (JOB_TOO_BIG). */
    public static Command skipThen(String replyLine, long bytes) {
        return new Command(Op.ERROR, 0, 0, 0, 0, bytes, null, null, replyLine, Op.PUT);
    }

    /**
     * A reply a shard router decided itself (e.g. NOT_IGNORED, list-tubes-watched), sent through
     * a shard so that it is counted as {@code op} there and leaves in order.
     */
    public static Command decided(Op op, String reply) {
        return new Command(Op.ERROR, 0, 0, 0, 0, 0, null, null, reply, op);
    }

    /**
     * A shard router's tentative reserve ({@link Op#OFFER}) waiting up to {@code timeoutSec}
     * (negative: forever); counted as {@code countAs} on this shard, or not at all when null.
     */
    public static Command offer(long timeoutSec, Op countAs) {
        return new Command(Op.OFFER, 0, 0, 0, 0, timeoutSec, null, null, null, countAs);
    }

    @Override
    public String toString() {
        return op == Op.ERROR ? "ERROR " + error.trim() : op + (tube != null ? " " + tube : "") + (id != 0 ? " #" + id : "");
    }
}
