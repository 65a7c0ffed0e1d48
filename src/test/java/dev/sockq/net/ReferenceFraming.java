package dev.sockq.net;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test oracle: beanstalkd 1.12's input handling (prot.c: conn_process_io, scan_line_end,
 * dispatch_cmd, read_u32/read_u64, strtol/strtoul) re-stated over a whole byte stream, with
 * numbers as BigIntegers. It describes each command the way {@link FramedCommands} describes
 * the framer's output, so the two can be compared.
 *
 * <p>Written from the C source, not from sockq's framer: where they disagree, one of them is
 * wrong, and the real beanstalkd decides.
 */
final class ReferenceFraming {
    private static final int LINE_BUF_SIZE = 224;
    private static final int MAX_TUBE_NAME = 200;
    private static final String NAME_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+/;.$_()";
    private static final BigInteger U32_MAX = BigInteger.valueOf(0xFFFF_FFFFL);
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final String BAD_FORMAT = "ERROR BAD_FORMAT";

    private final byte[] in;
    private final long maxJobSize;
    private final List<String> out = new ArrayList<>();
    private int pos;

    private ReferenceFraming(byte[] in, long maxJobSize) {
        this.in = in;
        this.maxJobSize = maxJobSize;
    }

    /** What beanstalkd 1.12 makes of this byte stream, one description per command, in order. */
    static List<String> frame(byte[] stream, long maxJobSize) {
        ReferenceFraming r = new ReferenceFraming(stream, maxJobSize);
        r.run();
        return r.out;
    }

    private void run() {
        while (pos < in.length) {
            // STATE_WANT_COMMAND: the line buffer fills from the start of this command
            int start = pos;
            int firstCr = -1;
            int lineLen = -1;
            int n = 0;
            while (pos < in.length && n < LINE_BUF_SIZE) {
                byte b = in[pos++];
                n++;
                if (firstCr < 0 && b == '\r') {
                    firstCr = n - 1;
                } else if (firstCr >= 0 && firstCr == n - 2) {
                    if (b == '\n') {
                        lineLen = firstCr;
                        break;
                    }
                }
            }
            if (lineLen >= 0) {
                if (!dispatch(slice(start, lineLen))) {
                    return; // input ended inside a put body or a skipped body
                }
                continue;
            }
            if (n < LINE_BUF_SIZE) {
                return; // incomplete line at the end of the input
            }
            // STATE_WANT_ENDLINE: discard in windows of LINE_BUF_SIZE; BAD_FORMAT once a line end shows
            if (!discardLine()) {
                return;
            }
            out.add(BAD_FORMAT);
        }
    }

    private boolean discardLine() {
        int firstCr = -1;
        int n = 0;
        while (pos < in.length) {
            byte b = in[pos++];
            n++;
            if (firstCr < 0 && b == '\r') {
                firstCr = n - 1;
            } else if (firstCr >= 0 && firstCr == n - 2 && b == '\n') {
                return true;
            }
            if (n == LINE_BUF_SIZE) {
                n = 0;
                firstCr = -1;
            }
        }
        return false;
    }

    private byte[] slice(int from, int len) {
        byte[] b = new byte[len];
        System.arraycopy(in, from, b, 0, len);
        return b;
    }

    /** Handles one command line; false if the input ends before the command is complete. */
    private boolean dispatch(byte[] line) {
        for (byte b : line) {
            if (b == 0) {
                out.add(BAD_FORMAT);
                return true;
            }
        }
        String s = new String(line, StandardCharsets.ISO_8859_1);
        if (s.startsWith("put ")) {
            return put(s);
        }
        out.add(parseOther(s));
        return true;
    }

    private boolean put(String s) {
        Num pri = readUnsigned(s, 4, U32_MAX);
        Num delay = pri == null ? null : readUnsigned(s, pri.end, U32_MAX);
        Num ttr = delay == null ? null : readUnsigned(s, delay.end, U32_MAX);
        Num size = ttr == null ? null : readUnsigned(s, ttr.end, U32_MAX);
        if (size == null) {
            out.add(BAD_FORMAT);
            return true;
        }
        long bodySize = size.value.longValueExact();
        if (bodySize > maxJobSize) {
            long skip = bodySize + 2;
            if (in.length - pos < skip) {
                return false;
            }
            pos += (int) skip;
            out.add("ERROR JOB_TOO_BIG by PUT");
            return true;
        }
        if (size.end != s.length()) {
            out.add("ERROR BAD_FORMAT by PUT"); // counted as a put: op_ct is bumped before this check
            return true;
        }
        if (in.length - pos < bodySize + 2) {
            return false;
        }
        byte[] body = slice(pos, (int) bodySize);
        pos += (int) bodySize;
        boolean crlf = in[pos] == '\r' && in[pos + 1] == '\n';
        pos += 2;
        out.add(crlf
                ? describe("PUT", 0, pri.value.longValueExact(), delay.value.longValueExact() * 1000,
                        ttr.value.longValueExact() * 1000, 0, null) + " body=" + HexFormat.of().formatHex(body)
                : "ERROR EXPECTED_CRLF by PUT");
        return true;
    }

    private static String parseOther(String s) {
        if (s.startsWith("peek ")) {
            return idOnly("PEEK", s, 5);
        } else if (s.startsWith("peek-ready")) {
            return exact("PEEK_READY", s, "peek-ready");
        } else if (s.startsWith("peek-delayed")) {
            return exact("PEEK_DELAYED", s, "peek-delayed");
        } else if (s.startsWith("peek-buried")) {
            return exact("PEEK_BURIED", s, "peek-buried");
        } else if (s.startsWith("reserve-with-timeout ")) {
            BigInteger t = strtol(s, 21);
            return t == null ? BAD_FORMAT : describe("RESERVE_WITH_TIMEOUT", 0, 0, 0, 0, t.intValue(), null);
        } else if (s.startsWith("reserve-job ")) {
            return idOnly("RESERVE_JOB", s, 12);
        } else if (s.startsWith("reserve")) {
            return exact("RESERVE", s, "reserve");
        } else if (s.startsWith("delete ")) {
            return idOnly("DELETE", s, 7);
        } else if (s.startsWith("release ")) {
            Num id = readUnsigned(s, 8, U64_MAX);
            Num pri = id == null ? null : readUnsigned(s, id.end, U32_MAX);
            Num delay = pri == null ? null : readUnsigned(s, pri.end, U32_MAX);
            if (delay == null || delay.end != s.length()) {
                return BAD_FORMAT;
            }
            return describe("RELEASE", javaId(id.value), pri.value.longValueExact(), delay.value.longValueExact() * 1000, 0, 0, null);
        } else if (s.startsWith("bury ")) {
            Num id = readUnsigned(s, 5, U64_MAX);
            Num pri = id == null ? null : readUnsigned(s, id.end, U32_MAX);
            if (pri == null || pri.end != s.length()) {
                return BAD_FORMAT;
            }
            return describe("BURY", javaId(id.value), pri.value.longValueExact(), 0, 0, 0, null);
        } else if (s.startsWith("kick ")) {
            BigInteger n = strtoul(s, 5);
            return n == null ? BAD_FORMAT : describe("KICK", 0, 0, 0, 0, n.longValue() & 0xFFFF_FFFFL, null);
        } else if (s.startsWith("kick-job ")) {
            return idOnly("KICK_JOB", s, 9);
        } else if (s.startsWith("touch ")) {
            return idOnly("TOUCH", s, 6);
        } else if (s.startsWith("stats-job ")) {
            return idOnly("STATS_JOB", s, 10);
        } else if (s.startsWith("stats-tube ")) {
            return named("STATS_TUBE", s.substring(11));
        } else if (s.startsWith("stats")) {
            return exact("STATS", s, "stats");
        } else if (s.startsWith("use ")) {
            return named("USE", s.substring(4));
        } else if (s.startsWith("watch ")) {
            return named("WATCH", s.substring(6));
        } else if (s.startsWith("ignore ")) {
            return named("IGNORE", s.substring(7));
        } else if (s.startsWith("list-tubes-watched")) {
            return exact("LIST_TUBES_WATCHED", s, "list-tubes-watched");
        } else if (s.startsWith("list-tube-used")) {
            return exact("LIST_TUBE_USED", s, "list-tube-used");
        } else if (s.startsWith("list-tubes")) {
            return exact("LIST_TUBES", s, "list-tubes");
        } else if (s.startsWith("quit")) {
            return describe("QUIT", 0, 0, 0, 0, 0, null);
        } else if (s.startsWith("pause-tube")) {
            return pauseTube(s);
        }
        return "ERROR UNKNOWN_COMMAND";
    }

    private static String pauseTube(String s) {
        int p = 10;
        while (p < s.length() && s.charAt(p) == ' ') {
            p++;
        }
        int nameStart = p;
        while (p < s.length() && NAME_CHARS.indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        if (p == nameStart) {
            return BAD_FORMAT;
        }
        Num delay = readUnsigned(s, p, U32_MAX);
        if (delay == null || delay.end != s.length()) {
            return BAD_FORMAT;
        }
        String name = s.substring(nameStart, p);
        if (!validName(name)) {
            return "ERROR BAD_FORMAT by PAUSE_TUBE"; // counted: op_ct is bumped before the name check
        }
        return describe("PAUSE_TUBE", 0, 0, delay.value.longValueExact() * 1000, 0, 0, name);
    }

    private static String exact(String op, String s, String word) {
        return s.equals(word) ? describe(op, 0, 0, 0, 0, 0, null) : BAD_FORMAT;
    }

    private static String idOnly(String op, String s, int from) {
        Num id = readUnsigned(s, from, U64_MAX);
        return id == null || id.end != s.length() ? BAD_FORMAT : describe(op, javaId(id.value), 0, 0, 0, 0, null);
    }

    private static String named(String op, String name) {
        return validName(name) ? describe(op, 0, 0, 0, 0, 0, name) : BAD_FORMAT;
    }

    private static boolean validName(String name) {
        if (name.isEmpty() || name.length() > MAX_TUBE_NAME || name.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (NAME_CHARS.indexOf(name.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** sockq keeps ids in a long: ids past Long.MAX_VALUE (no job has one) become -1. */
    private static long javaId(BigInteger id) {
        return id.compareTo(LONG_MAX) > 0 ? -1 : id.longValueExact();
    }

    static String describe(String op, long id, long pri, long delayMs, long ttrMs, long count, String tube) {
        return op + " id=" + id + " pri=" + pri + " delay=" + delayMs + " ttr=" + ttrMs + " count=" + count + " tube=" + tube;
    }

    private record Num(BigInteger value, int end) {
    }

    /** read_u32 / read_u64: spaces, then at least one digit; null when the value exceeds max. */
    private static Num readUnsigned(String s, int p, BigInteger max) {
        while (p < s.length() && s.charAt(p) == ' ') {
            p++;
        }
        int start = p;
        while (p < s.length() && isDigit(s.charAt(p))) {
            p++;
        }
        if (p == start) {
            return null;
        }
        BigInteger v = new BigInteger(s.substring(start, p));
        return v.compareTo(max) > 0 ? null : new Num(v, p);
    }

    /** What glibc's strto* read: whitespace, an optional sign, then digits (null when none). */
    private record Signed(boolean neg, BigInteger digits) {
        static Signed read(String s, int p) {
            p = skipSpace(s, p);
            boolean neg = false;
            if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
                neg = s.charAt(p++) == '-';
            }
            int start = p;
            while (p < s.length() && isDigit(s.charAt(p))) {
                p++;
            }
            return new Signed(neg, p == start ? null : new BigInteger(s.substring(start, p)));
        }
    }

    /** glibc strtol: whitespace, sign, digits (none = 0); null on ERANGE. */
    private static BigInteger strtol(String s, int p) {
        Signed n = Signed.read(s, p);
        if (n.digits() == null) {
            return BigInteger.ZERO;
        }
        BigInteger v = n.neg() ? n.digits().negate() : n.digits();
        return v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0 ? null : v;
    }

    /** glibc strtoul: whitespace, sign, digits; null if no digits or ERANGE; a minus wraps around. */
    private static BigInteger strtoul(String s, int p) {
        Signed n = Signed.read(s, p);
        if (n.digits() == null) {
            return null;
        }
        boolean neg = n.neg();
        BigInteger v = n.digits();
        if (v.compareTo(U64_MAX) > 0) {
            return null;
        }
        return neg ? v.negate().and(U64_MAX) : v;
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && (s.charAt(p) == ' ' || (s.charAt(p) >= '\t' && s.charAt(p) <= '\r'))) {
            p++;
        }
        return p;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
