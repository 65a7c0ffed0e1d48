package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

/**
 * Cuts a beanstalkd byte stream into commands: lines up to 224 bytes with their CRLF, put
 * bodies, and the error cases (too-long lines, too-big bodies, missing CRLF after a body).
 *
 * <p>Line ends are found as beanstalkd 1.12 finds them (scan_line_end): only the first CR of a
 * line can end it, so a CR followed by anything but LF leaves the line open until it reaches
 * 224 bytes. Such a line, like any longer one, is dropped up to the next line end, searched in
 * 224-byte windows as beanstalkd reads them, and answered BAD_FORMAT when that end arrives.
 *
 * <p>Pull style: {@link #feed} appends input, {@link #next} returns one command or null when
 * more input is needed, so the connection can stop taking commands under back-pressure and
 * leave the rest of the input here.
 *
 * <p>Memory follows what the client actually sent, never what it announced: a too-long line is
 * dropped as it streams by, a too-big body is skipped, and a body's array grows as its bytes
 * arrive (an announced size alone allocates at most {@link #FIRST_BODY_CHUNK}).
 */
public final class CommandFramer {
    /** beanstalkd's LINE_BUF_SIZE: the longest command line, CRLF included. */
    public static final int LINE_MAX = 224;
    private static final Command LINE_TOO_LONG = Command.error(Replies.BAD_FORMAT);
    /** The most a body's array holds before its bytes arrive (more if they are already here). */
    static final int FIRST_BODY_CHUNK = 64 * 1024;
    private static final Command EXPECTED_CRLF = Command.failedPut(Replies.EXPECTED_CRLF);

    private enum State { LINE, BODY, SKIP, DISCARD_LINE }

    private final long maxJobSize;
    private Buffer input = Buffer.buffer(0);
    private int pos;

    private State state = State.LINE;
    private final byte[] line = new byte[LINE_MAX];
    private int lineLen;
    private Command putHeader;
    private byte[] body;
    private int bodySize;
    private int bodyRead;
    private int trailerRead;
    private final byte[] trailer = new byte[2];
    private long skipLeft;
    private Command afterSkip;
    /** Index of the first CR in the current line or discard window, or -1. */
    private int firstCr = -1;
    /** Bytes in the current discard window (beanstalkd's line buffer while it drops a long line). */
    private int windowLen;

    public CommandFramer(long maxJobSize) {
        this.maxJobSize = maxJobSize;
    }

    public void feed(Buffer data) {
        if (pos >= input.length()) {
            input = data;
        } else {
            input = input.getBuffer(pos, input.length()).appendBuffer(data);
        }
        pos = 0;
    }

    /** Whether input is buffered that {@link #next} has not consumed yet. */
    public boolean hasInput() {
        return pos < input.length();
    }

    /** The next complete command, or null if the buffered input holds none. */
    public Command next() {
        int end = input.length();
        while (pos < end) {
            switch (state) {
                case LINE -> {
                    byte b = input.getByte(pos++);
                    line[lineLen++] = b;
                    if (endsLine(b, lineLen)) {
                        int n = firstCr;
                        lineLen = 0;
                        firstCr = -1;
                        return onLine(CommandParser.parse(line, n, maxJobSize));
                    }
                    if (lineLen == LINE_MAX) {
                        lineLen = 0;
                        firstCr = -1;
                        windowLen = 0;
                        state = State.DISCARD_LINE;
                    }
                }
                case DISCARD_LINE -> {
                    byte b = input.getByte(pos++);
                    if (endsLine(b, ++windowLen)) {
                        firstCr = -1;
                        state = State.LINE;
                        return LINE_TOO_LONG;
                    }
                    if (windowLen == LINE_MAX) {
                        windowLen = 0; // beanstalkd empties its buffer: a CRLF across windows is not seen
                        firstCr = -1;
                    }
                }
                case SKIP -> {
                    long n = Math.min(skipLeft, end - pos);
                    pos += (int) n;
                    skipLeft -= n;
                    if (skipLeft == 0) {
                        state = State.LINE;
                        return afterSkip;
                    }
                }
                case BODY -> {
                    if (bodyRead < bodySize) {
                        int n = Math.min(bodySize - bodyRead, end - pos);
                        if (bodyRead + n > body.length) {
                            body = Arrays.copyOf(body, (int) Math.min(bodySize, Math.max(bodyRead + n, 2L * body.length)));
                        }
                        input.getBytes(pos, pos + n, body, bodyRead);
                        pos += n;
                        bodyRead += n;
                    } else {
                        trailer[trailerRead++] = input.getByte(pos++);
                        if (trailerRead == 2) {
                            state = State.LINE;
                            Command header = putHeader;
                            byte[] b = body;
                            putHeader = null;
                            body = null;
                            return trailer[0] == '\r' && trailer[1] == '\n' ? header.withBody(b) : EXPECTED_CRLF;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Whether byte {@code b}, the {@code n}th of the line or window, completes a line end. */
    private boolean endsLine(byte b, int n) {
        if (firstCr < 0) {
            if (b == '\r') {
                firstCr = n - 1;
            }
            return false;
        }
        return firstCr == n - 2 && b == '\n';
    }

    private Command onLine(Command c) {
        if (c.op == Op.PUT) {
            putHeader = c;
            bodySize = (int) c.count;
            body = new byte[Math.min(bodySize, Math.max(FIRST_BODY_CHUNK, input.length() - pos))];
            bodyRead = 0;
            trailerRead = 0;
            state = State.BODY;
            return next();
        }
        if (c.op == Op.ERROR && c.count > 0) {
            skipLeft = c.count;
            afterSkip = Command.failedPut(c.error);
            state = State.SKIP;
            return next();
        }
        return c;
    }
}
