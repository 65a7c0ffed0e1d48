package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import dev.sockq.bus.TubeName;

import java.nio.charset.StandardCharsets;

/**
 * Turns one beanstalkd command line (without its CRLF) into a {@link Command}, with the exact
 * acceptance rules of beanstalkd 1.12: commands match by prefix, numbers are unsigned decimal
 * after optional spaces, and anything else answers BAD_FORMAT or UNKNOWN_COMMAND.
 */
public final class CommandParser {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final Command BAD_FORMAT = Command.error(Replies.BAD_FORMAT);
    private static final Command UNKNOWN_COMMAND = Command.error(Replies.UNKNOWN_COMMAND);
    private static final Command PUT_BAD_FORMAT = Command.failed(Op.PUT, Replies.BAD_FORMAT);
    private static final Command PAUSE_TUBE_BAD_FORMAT = Command.failed(Op.PAUSE_TUBE, Replies.BAD_FORMAT);

    private CommandParser() {
    }

    /** Parses {@code len} bytes of {@code line}; a put comes back as a header awaiting its body. */
    public static Command parse(byte[] line, int len, long maxJobSize) {
        for (int i = 0; i < len; i++) {
            if (line[i] == 0) {
                return BAD_FORMAT; // beanstalkd treats the line as a C string
            }
        }
        Cursor c = new Cursor(line, len);
        // Order matters: beanstalkd tests these prefixes in this order.
        if (c.prefix("put ")) {
            return put(c, maxJobSize);
        } else if (c.prefix("peek ")) {
            return idOnly(Op.PEEK, c);
        } else if (c.prefix("peek-ready")) {
            return exact(Op.PEEK_READY, c);
        } else if (c.prefix("peek-delayed")) {
            return exact(Op.PEEK_DELAYED, c);
        } else if (c.prefix("peek-buried")) {
            return exact(Op.PEEK_BURIED, c);
        } else if (c.prefix("reserve-with-timeout ")) {
            long t = c.strtol();
            return c.overflow ? BAD_FORMAT : Command.withCount(Op.RESERVE_WITH_TIMEOUT, (int) t);
        } else if (c.prefix("reserve-job ")) {
            return idOnly(Op.RESERVE_JOB, c);
        } else if (c.prefix("reserve")) {
            return exact(Op.RESERVE, c);
        } else if (c.prefix("delete ")) {
            return idOnly(Op.DELETE, c);
        } else if (c.prefix("release ")) {
            long id = c.u64();
            long pri = id == -2 ? -1 : c.u32();
            long delay = pri < 0 ? -1 : c.u32();
            return delay < 0 || !c.atEnd() ? BAD_FORMAT : Command.release(id, pri, delay * 1000);
        } else if (c.prefix("bury ")) {
            long id = c.u64();
            long pri = id == -2 ? -1 : c.u32();
            return pri < 0 || !c.atEnd() ? BAD_FORMAT : Command.bury(id, pri);
        } else if (c.prefix("kick ")) {
            long n = c.strtoul();
            return n < 0 ? BAD_FORMAT : Command.withCount(Op.KICK, n);
        } else if (c.prefix("kick-job ")) {
            return idOnly(Op.KICK_JOB, c);
        } else if (c.prefix("touch ")) {
            return idOnly(Op.TOUCH, c);
        } else if (c.prefix("stats-job ")) {
            return idOnly(Op.STATS_JOB, c);
        } else if (c.prefix("stats-tube ")) {
            return named(Op.STATS_TUBE, c);
        } else if (c.prefix("stats")) {
            return exact(Op.STATS, c);
        } else if (c.prefix("use ")) {
            return named(Op.USE, c);
        } else if (c.prefix("watch ")) {
            return named(Op.WATCH, c);
        } else if (c.prefix("ignore ")) {
            return named(Op.IGNORE, c);
        } else if (c.prefix("list-tubes-watched")) {
            return exact(Op.LIST_TUBES_WATCHED, c);
        } else if (c.prefix("list-tube-used")) {
            return exact(Op.LIST_TUBE_USED, c);
        } else if (c.prefix("list-tubes")) {
            return exact(Op.LIST_TUBES, c);
        } else if (c.prefix("quit")) {
            return Command.simple(Op.QUIT);
        } else if (c.prefix("pause-tube")) {
            c.skipSpaces();
            int start = c.pos;
            while (c.pos < c.len && TubeName.isNameChar(c.line[c.pos])) {
                c.pos++;
            }
            if (c.pos == start) {
                return BAD_FORMAT;
            }
            int nameEnd = c.pos;
            long delay = c.u32();
            if (delay < 0 || !c.atEnd()) {
                return BAD_FORMAT;
            }
            // beanstalkd counts the command before it checks the name as a tube name
            if (!validName(c.line, start, nameEnd)) {
                return PAUSE_TUBE_BAD_FORMAT;
            }
            return Command.pauseTube(new String(c.line, start, nameEnd - start, StandardCharsets.US_ASCII), delay * 1000);
        }
        return UNKNOWN_COMMAND;
    }

    private static Command put(Cursor c, long maxJobSize) {
        long pri = c.u32();
        long delay = pri < 0 ? -1 : c.u32();
        long ttr = delay < 0 ? -1 : c.u32();
        long size = ttr < 0 ? -1 : c.u32();
        if (size < 0) {
            return BAD_FORMAT;
        }
        if (size > maxJobSize) {
            // beanstalkd reads and drops the body first, so the connection stays in step
            return Command.skipThen(Replies.JOB_TOO_BIG, size + 2);
        }
        if (!c.atEnd()) {
            return PUT_BAD_FORMAT; // counted as a put by beanstalkd: it checks for trailing garbage last
        }
        return Command.putHeader(pri, delay * 1000, ttr * 1000, size);
    }

    private static Command exact(Op op, Cursor c) {
        return c.atEnd() ? Command.simple(op) : BAD_FORMAT;
    }

    private static Command idOnly(Op op, Cursor c) {
        long id = c.u64();
        return id == -2 || !c.atEnd() ? BAD_FORMAT : Command.withId(op, id);
    }

    private static Command named(Op op, Cursor c) {
        if (!validName(c.line, c.pos, c.len)) {
            return BAD_FORMAT;
        }
        return Command.withTube(op, new String(c.line, c.pos, c.len - c.pos, StandardCharsets.US_ASCII));
    }

    /** beanstalkd's is_valid_tube: 1 to 200 name characters, not starting with '-'. */
    private static boolean validName(byte[] line, int from, int to) {
        int n = to - from;
        if (n == 0 || n > TubeName.MAX_LENGTH || line[from] == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte b = line[i];
            if (!TubeName.isNameChar(b)) {
                return false;
            }
        }
        return true;
    }

    /** Reads through one command line, C-style. */
    private static final class Cursor {
        final byte[] line;
        final int len;
        int pos;
        /** Set by {@link #strtol} when the number is out of range. */
        boolean overflow;

        Cursor(byte[] line, int len) {
            this.line = line;
            this.len = len;
        }

        boolean prefix(String p) {
            int n = p.length();
            if (len < n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (line[i] != p.charAt(i)) {
                    return false;
                }
            }
            pos = n;
            return true;
        }

        boolean atEnd() {
            return pos == len;
        }

        void skipSpaces() {
            while (pos < len && line[pos] == ' ') {
                pos++;
            }
        }

        /** beanstalkd's read_u32: spaces, then at least one digit; -1 on error. */
        long u32() {
            long v = u64();
            return v < 0 || v > U32_MAX ? -1 : v;
        }

        /**
         * beanstalkd's read_u64: -2 on error (no digit, or beyond 2^64-1); values above
         * Long.MAX_VALUE, which no job id can reach, come back as -1.
         */
        long u64() {
            skipSpaces();
            if (pos >= len || line[pos] < '0' || line[pos] > '9') {
                return -2;
            }
            long v = 0;
            while (pos < len && line[pos] >= '0' && line[pos] <= '9') {
                int d = line[pos++] - '0';
                if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    return -2;
                }
                v = v * 10 + d;
            }
            return v < 0 ? -1 : v;
        }

        /** C strtol: whitespace, sign, digits; no digits = 0; sets {@link #overflow} on ERANGE. */
        long strtol() {
            while (pos < len && isSpace(line[pos])) {
                pos++;
            }
            boolean neg = false;
            if (pos < len && (line[pos] == '+' || line[pos] == '-')) {
                neg = line[pos++] == '-';
            }
            long v = 0; // accumulated negatively, so that Long.MIN_VALUE fits as in C
            while (pos < len && line[pos] >= '0' && line[pos] <= '9') {
                int d = line[pos++] - '0';
                if (v < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                    return 0;
                }
                v = v * 10 - d;
            }
            if (neg) {
                return v;
            }
            if (v == Long.MIN_VALUE) {
                overflow = true;
                return 0;
            }
            return -v;
        }

        /** C strtoul truncated to unsigned int (kick's bound); -1 when there are no digits or on overflow. */
        long strtoul() {
            while (pos < len && isSpace(line[pos])) {
                pos++;
            }
            boolean neg = false;
            if (pos < len && (line[pos] == '+' || line[pos] == '-')) {
                neg = line[pos++] == '-';
            }
            int start = pos;
            long v = 0;
            while (pos < len && line[pos] >= '0' && line[pos] <= '9') {
                int d = line[pos++] - '0';
                if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    return -1;
                }
                v = v * 10 + d;
            }
            if (pos == start) {
                return -1;
            }
            return (neg ? -v : v) & U32_MAX;
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || (b >= '\t' && b <= '\r');
        }
    }
}
