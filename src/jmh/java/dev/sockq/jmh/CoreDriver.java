package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.daemon.Clock;
import dev.sockq.daemon.Daemon;
import dev.sockq.daemon.ServerInfo;
import dev.sockq.daemon.Session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds a {@link Daemon} the way DaemonVerticle does, without sockets or the event bus: one
 * {@code submit} per client read, then the output of every session it touched is taken.
 */
final class CoreDriver {
    /** Job bodies: 100 bytes, as `sockq bench` sends by default. */
    static final byte[] BODY = new byte[100];

    static {
        Arrays.fill(BODY, (byte) 'x');
    }

    /** Read once: ServerInfo.current() reads files and seeds a SecureRandom. */
    private static final ServerInfo INFO = ServerInfo.current();

    final Daemon daemon = new Daemon(65535, Clock.SYSTEM, INFO);
    private long nextSessionId = 1;
    /** Reply bytes taken for sessions other than the one asked about (keeps the JIT from dropping them). */
    long otherBytes;
    /** The last other session that had output in {@link #flush}, and that output. */
    Session other;
    byte[] otherOutput;

    Session open() {
        long id = nextSessionId++;
        return daemon.open(id, "bench-" + id);
    }

    /** One read's worth of commands from {@code s}; returns the bytes {@code s} is sent back. */
    byte[] send(Session s, List<Command> commands) {
        daemon.submit(s.id(), commands);
        return flush(s);
    }

    byte[] send(Session s, Command command) {
        return send(s, List.of(command));
    }

    /** Takes every dirty session's output, as after each event; returns {@code s}'s (empty if untouched). */
    byte[] flush(Session s) {
        byte[] mine = NONE;
        for (Session d : daemon.takeDirty()) {
            byte[] out = d.takeOutput();
            d.takeAnswered();
            if (d == s) {
                mine = out;
            } else {
                otherBytes += out.length;
                other = d;
                otherOutput = out;
            }
        }
        return mine;
    }

    private static final byte[] NONE = new byte[0];

    static Command put(long pri) {
        return Command.put(pri, 0, 60_000, BODY);
    }

    private static final Command RESERVE = Command.simple(Op.RESERVE);

    /** Commands are immutable, so one reserve serves every read. */
    static Command reserve() {
        return RESERVE;
    }

    static Command delete(long id) {
        return Command.withId(Op.DELETE, id);
    }

    /** The job id of a "RESERVED id bytes" reply, parsed as a client would; fails on any other reply. */
    static long reservedId(byte[] reply) {
        return number(reply, "RESERVED ");
    }

    static long number(byte[] reply, String word) {
        int n = word.length();
        boolean ok = reply.length > n;
        for (int i = 0; ok && i < n; i++) {
            ok = reply[i] == word.charAt(i); // no String per reply: the harness must not allocate
        }
        if (!ok) {
            throw new IllegalStateException("expected " + word + "..., got " + text(reply));
        }
        long v = 0;
        for (int i = n; i < reply.length && reply[i] >= '0' && reply[i] <= '9'; i++) {
            v = v * 10 + (reply[i] - '0');
        }
        return v;
    }

    /** A number from a tube's stats, e.g. current-jobs-ready (for the benchmarks' end-of-iteration checks). */
    long tubeStat(Session s, String tube, String key) {
        String yaml = text(send(s, Command.withTube(Op.STATS_TUBE, tube)));
        for (String line : yaml.split("\n")) {
            if (line.startsWith(key + ": ")) {
                return Long.parseLong(line.substring(key.length() + 2).trim());
            }
        }
        throw new IllegalStateException("no " + key + " in " + yaml);
    }

    /** Fails the run when the daemon is not in the state a benchmark expects. */
    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
