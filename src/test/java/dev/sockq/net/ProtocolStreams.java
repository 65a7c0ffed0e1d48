package dev.sockq.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * jqwik generators of beanstalkd input: well-formed commands with awkward numbers and names,
 * mutations of them (bytes inserted, deleted, flipped, CRLFs dropped, runs of one byte, cuts),
 * long lines and plain random bytes.
 */
final class ProtocolStreams {
    static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+/;.$_()";
    /** Bytes that steer a parser: line ends, separators, digits, signs, NUL, high bytes. */
    private static final byte[] INTERESTING = {'\r', '\n', ' ', '0', '1', '9', '-', '+', 0, 'x', '\t', (byte) 0xFF, (byte) 0x80};

    private ProtocolStreams() {
    }

    /** Numbers as text: small ones mostly, plus every boundary a C parser cares about. */
    static Arbitrary<String> number() {
        Arbitrary<String> boundary = Arbitraries.of("0", "1", "00", "007", "1023", "1024", "65535", "65536",
                "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
                "99999999999999999999999", "-1", "-0", "+5", "", "x", "1x", " 2");
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 12).map(String::valueOf)),
                Tuple.of(2, Arbitraries.longs().between(0, 100_000).map(String::valueOf)),
                Tuple.of(2, boundary));
    }

    static Arbitrary<String> tubeName() {
        Arbitrary<String> random = Arbitraries.strings().withChars(NAME_CHARS).ofMinLength(1).ofMaxLength(12);
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("default", "a", "b")),
                Tuple.of(3, random),
                Tuple.of(1, Arbitraries.of("a".repeat(200), "a".repeat(201), "-x", "a*b", "", "a b", "a\u00e9")));
    }

    /** One command line with its CRLF (puts with their body), all well-formed in shape. */
    static Arbitrary<byte[]> command() {
        Arbitrary<String> n = number();
        Arbitrary<String> t = tubeName();
        Arbitrary<String> line = Arbitraries.oneOf(
                n.map(x -> "peek " + x), Arbitraries.of("peek-ready", "peek-delayed", "peek-buried", "reserve",
                        "stats", "list-tubes", "list-tube-used", "list-tubes-watched", "quit"),
                n.map(x -> "reserve-with-timeout " + x), n.map(x -> "reserve-job " + x),
                n.map(x -> "delete " + x), Combinators.combine(n, n, n).as((a, b, c) -> "release " + a + " " + b + " " + c),
                Combinators.combine(n, n).as((a, b) -> "bury " + a + " " + b), n.map(x -> "kick " + x),
                n.map(x -> "kick-job " + x), n.map(x -> "touch " + x), n.map(x -> "stats-job " + x),
                t.map(x -> "stats-tube " + x), t.map(x -> "use " + x), t.map(x -> "watch " + x),
                t.map(x -> "ignore " + x), Combinators.combine(t, n).as((a, b) -> "pause-tube " + a + " " + b));
        return Arbitraries.frequencyOf(
                Tuple.of(3, put()),
                Tuple.of(7, line.map(s -> ascii(s + "\r\n"))));
    }

    /** A put with a body of the announced size, or (sometimes) an announced size that is off. */
    static Arbitrary<byte[]> put() {
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.bytes().between((byte) 'a', (byte) 'z').array(byte[].class).ofMaxSize(200));
        Arbitrary<Integer> sizeError = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(-3, 3)));
        return Combinators.combine(number(), number(), number(), body, sizeError).as((pri, delay, ttr, b, err) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ascii("put " + pri + " " + delay + " " + ttr + " " + Math.max(0, b.length + err) + "\r\n"));
            out.writeBytes(b);
            out.writeBytes(ascii("\r\n"));
            return out.toByteArray();
        });
    }

    /** A put whose body matches its announced size, with small valid numbers. */
    static Arbitrary<byte[]> exactPut() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 100);
        return Combinators.combine(small, small, small, Arbitraries.bytes().array(byte[].class).ofMaxSize(30))
                .as((pri, delay, ttr, b) -> concat(ascii("put " + pri + " " + delay + " " + ttr + " " + b.length + "\r\n"), b, ascii("\r\n")));
    }

    /** Several commands back to back. */
    static Arbitrary<byte[]> commands() {
        return command().list().ofMaxSize(10).map(ProtocolStreams::join);
    }

    /** Valid commands only: well-formed lines and exact puts, so each frames to exactly one command. */
    static Arbitrary<byte[]> validCommands() {
        Arbitrary<String> name = Arbitraries.strings().withChars(NAME_CHARS.substring(0, 62)).ofMinLength(1).ofMaxLength(20);
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 1000);
        Arbitrary<String> line = Arbitraries.oneOf(
                small.map(x -> "delete " + x), small.map(x -> "peek " + x), small.map(x -> "kick " + x),
                Combinators.combine(small, small, small).as((a, b, c) -> "release " + a + " " + b + " " + c),
                name.map(x -> "use " + x), name.map(x -> "watch " + x), name.map(x -> "ignore " + x),
                Combinators.combine(name, small).as((a, b) -> "pause-tube " + a + " " + b),
                Arbitraries.of("reserve", "stats", "list-tubes", "peek-ready", "reserve-with-timeout 0"));
        return Arbitraries.oneOf(exactPut(), line.map(s -> ascii(s + "\r\n"))).list().ofMaxSize(6).map(ProtocolStreams::join);
    }

    /** One malformed command that beanstalkd answers with exactly one error and then resyncs after, with that error. */
    static Arbitrary<Tuple.Tuple2<byte[], String>> selfContainedError(long maxJobSize) {
        Arbitrary<String> letters = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz ").ofMaxLength(60);
        return Arbitraries.oneOf(
                letters.map(s -> Tuple.of(ascii("x" + s + "\r\n"), "ERROR UNKNOWN_COMMAND")),
                letters.map(s -> Tuple.of(ascii("delete " + s + "\r\n"), "ERROR BAD_FORMAT")),
                letters.map(s -> Tuple.of(ascii("stats " + s + "\r\n"), "ERROR BAD_FORMAT")),
                letters.map(s -> Tuple.of(ascii("use -" + s + "\r\n"), "ERROR BAD_FORMAT")),
                letters.map(s -> Tuple.of(ascii("stats\0" + s + "\r\n"), "ERROR BAD_FORMAT")),
                Arbitraries.integers().between(224, 440).map(k -> Tuple.of(ascii("x".repeat(k) + "\r\n"), "ERROR BAD_FORMAT")),
                Arbitraries.integers().between(1, 50).map(k -> Tuple.of(
                        concat(ascii("put 0 0 1 " + (maxJobSize + k) + "\r\n"), new byte[(int) maxJobSize + k], ascii("\r\n")),
                        "ERROR JOB_TOO_BIG by PUT")),
                Arbitraries.integers().between(0, 20).map(k -> Tuple.of(
                        concat(ascii("put 0 0 1 " + k + "\r\n"), new byte[k], ascii("XY")), "ERROR EXPECTED_CRLF by PUT")),
                Arbitraries.integers().between(0, 20).map(k -> Tuple.of(ascii("put 0 0 1 " + k + " junk\r\n"), "ERROR BAD_FORMAT by PUT")),
                Arbitraries.of("-a", "a".repeat(201)).map(s -> Tuple.of(ascii("pause-tube " + s + " 5\r\n"), "ERROR BAD_FORMAT by PAUSE_TUBE")));
    }

    /** Lines around and far beyond the 224-byte limit, with or without a CR inside. */
    static Arbitrary<byte[]> longLines() {
        return Combinators.combine(Arbitraries.integers().between(200, 700), Arbitraries.integers().between(-1, 700), commands())
                .as((len, crAt, rest) -> {
                    byte[] line = ascii("x".repeat(len) + "\r\n");
                    if (crAt >= 0 && crAt < len) {
                        line[crAt] = '\r';
                    }
                    return concat(line, rest);
                });
    }

    /** Random bytes, from the whole byte range or from the bytes a parser reacts to. */
    static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.of(boxed(concat(INTERESTING, ascii("putreservedeltsk")))).list().ofMaxSize(300)
                        .map(ProtocolStreams::unboxed));
    }

    private record Mutation(int kind, double at, byte value, int length) {
    }

    static Arbitrary<byte[]> mutated() {
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.integers().between(0, 7), Arbitraries.doubles().between(0, 1),
                Arbitraries.oneOf(Arbitraries.of(boxed(INTERESTING)), Arbitraries.bytes()),
                Arbitraries.integers().between(1, 300)).as(Mutation::new);
        return Combinators.combine(commands(), mutation.list().ofMinSize(1).ofMaxSize(6)).as((s, ms) -> {
            byte[] b = s;
            for (Mutation m : ms) {
                b = apply(b, m);
            }
            return b;
        });
    }

    private static byte[] apply(byte[] s, Mutation m) {
        int p = (int) (m.at() * s.length);
        int q = Math.min(s.length, p + 1);
        switch (m.kind()) {
            case 0: // insert a byte
                return concat(slice(s, 0, p), new byte[] {m.value()}, slice(s, p, s.length));
            case 1: // delete a byte
                return concat(slice(s, 0, p), slice(s, q, s.length));
            case 2: // flip one bit
                if (p < s.length) {
                    s = s.clone();
                    s[p] ^= (byte) (1 << (m.length() % 8));
                }
                return s;
            case 3: // replace a byte
                if (p < s.length) {
                    s = s.clone();
                    s[p] = m.value();
                }
                return s;
            case 4: { // drop the next CRLF: a missing line end or body trailer
                for (int i = p; i + 1 < s.length; i++) {
                    if (s[i] == '\r' && s[i + 1] == '\n') {
                        return concat(slice(s, 0, i), slice(s, i + 2, s.length));
                    }
                }
                return s;
            }
            case 5: { // duplicate a stretch
                int end = Math.min(s.length, p + m.length());
                return concat(slice(s, 0, end), slice(s, p, end), slice(s, end, s.length));
            }
            case 6: // cut the stream short
                return slice(s, 0, p);
            default: { // a run of one byte (long lines, long numbers)
                byte[] run = new byte[m.length()];
                java.util.Arrays.fill(run, m.value() == '\r' || m.value() == '\n' ? (byte) '9' : m.value());
                return concat(slice(s, 0, p), run, slice(s, p, s.length));
            }
        }
    }

    /** Everything: valid streams, mutated ones, long lines and random bytes. */
    static Arbitrary<byte[]> streams() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, commands()),
                Tuple.of(5, mutated()),
                Tuple.of(1, longLines()),
                Tuple.of(2, randomBytes()));
    }

    /** How a stream is cut into reads: sizes used in turn. */
    static Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 8)),
                Tuple.of(2, Arbitraries.integers().between(1, 300)),
                Tuple.of(1, Arbitraries.just(100_000))).list().ofMinSize(1).ofMaxSize(8);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] join(List<byte[]> parts) {
        return concat(parts.toArray(new byte[0][]));
    }

    private static List<Byte> boxed(byte[] b) {
        List<Byte> l = new java.util.ArrayList<>(b.length);
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }

    private static byte[] unboxed(List<Byte> l) {
        byte[] b = new byte[l.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = l.get(i);
        }
        return b;
    }

    private static byte[] slice(byte[] s, int from, int to) {
        byte[] b = new byte[Math.max(0, to - from)];
        System.arraycopy(s, from, b, 0, b.length);
        return b;
    }
}
