package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.DatagramPut;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;

import java.nio.charset.StandardCharsets;

/**
 * Reads one datagram: an optional `id <token>` line, an optional `use <tube>` line, then a
 * beanstalkd put with its body and CRLF, and nothing after it. Anything else is an error
 * reply and inserts nothing.
 */
public final class DatagramParser {
    /** Longest idempotency token. */
    public static final int MAX_TOKEN = 64;

    /** Either a put to insert or the error line to answer. */
    public record Result(DatagramPut put, String error) {
        static Result error(String line) {
            return new Result(null, line);
        }
    }

    private DatagramParser() {
    }

    public static Result parse(byte[] d, long maxJobSize) {
        int pos = 0;
        String token = null;
        String tube = "default";
        int end = lineEnd(d, pos);
        if (end < 0) {
            return Result.error(Replies.BAD_FORMAT);
        }
        if (startsWith(d, pos, "id ")) {
            int n = end - pos - 3;
            if (n < 1 || n > MAX_TOKEN) {
                return Result.error(Replies.BAD_FORMAT);
            }
            for (int i = pos + 3; i < end; i++) {
                if (d[i] < 0x21 || d[i] > 0x7e) {
                    return Result.error(Replies.BAD_FORMAT);
                }
            }
            token = new String(d, pos + 3, n, StandardCharsets.US_ASCII);
            pos = end + 2;
            end = lineEnd(d, pos);
        }
        if (end < 0) {
            return Result.error(Replies.BAD_FORMAT);
        }
        Command c = parseLine(d, pos, end, maxJobSize);
        if (c.op == Op.USE) {
            tube = c.tube;
            pos = end + 2;
            end = lineEnd(d, pos);
            if (end < 0) {
                return Result.error(Replies.BAD_FORMAT);
            }
            c = parseLine(d, pos, end, maxJobSize);
        }
        if (c.op == Op.ERROR) {
            // JOB_TOO_BIG keeps its word; the framer's "skip the body" count has no meaning here
            return Result.error(c.error);
        }
        if (c.op != Op.PUT) {
            return Result.error(Replies.UNKNOWN_COMMAND);
        }
        int bodyStart = end + 2;
        int size = (int) c.count;
        if (d.length - bodyStart < size + 2) {
            return Result.error(Replies.BAD_FORMAT); // truncated: fewer bytes than announced
        }
        if (d[bodyStart + size] != '\r' || d[bodyStart + size + 1] != '\n') {
            return Result.error(Replies.EXPECTED_CRLF);
        }
        if (d.length != bodyStart + size + 2) {
            return Result.error(Replies.BAD_FORMAT); // one message per datagram
        }
        byte[] body = new byte[size];
        System.arraycopy(d, bodyStart, body, 0, size);
        return new Result(new DatagramPut(token, tube, c.withBody(body)), null);
    }

    private static Command parseLine(byte[] d, int from, int to, long maxJobSize) {
        int n = to - from;
        if (n > CommandFramer.LINE_MAX - 2) {
            return Command.error(Replies.BAD_FORMAT);
        }
        byte[] line = new byte[n];
        System.arraycopy(d, from, line, 0, n);
        return CommandParser.parse(line, n, maxJobSize);
    }

    /** Index of the CR of the first CRLF at or after {@code from}, or -1. */
    private static int lineEnd(byte[] d, int from) {
        for (int i = from; i + 1 < d.length; i++) {
            if (d[i] == '\r' && d[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] d, int pos, String p) {
        if (d.length - pos < p.length()) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            if (d[pos + i] != p.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
