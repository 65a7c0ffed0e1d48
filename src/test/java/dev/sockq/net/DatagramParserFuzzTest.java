package dev.sockq.net;

import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fuzzing the datagram parser: any bytes give either one put or one protocol error, never an exception. */
class DatagramParserFuzzTest {
    private static final long MAX_JOB_SIZE = 100;
    private static final Set<String> ERRORS = Set.of(Replies.BAD_FORMAT, Replies.UNKNOWN_COMMAND,
            Replies.EXPECTED_CRLF, Replies.JOB_TOO_BIG);

    /** The parts of a well-formed datagram, kept to check what the parser returns. */
    record Datagram(String token, String tube, long pri, long delay, long ttr, byte[] body) {
        byte[] bytes() {
            return withSize(body.length);
        }

        /** The datagram, announcing {@code size} body bytes whatever the body's real length. */
        byte[] withSize(long size) {
            String head = (token != null ? "id " + token + "\r\n" : "") + (tube != null ? "use " + tube + "\r\n" : "")
                    + "put " + pri + " " + delay + " " + ttr + " " + size + "\r\n";
            return ProtocolStreams.concat(ProtocolStreams.ascii(head), body, ProtocolStreams.ascii("\r\n"));
        }
    }

    @Property
    void wellFormedDatagramsGiveThePutTheyCarry(@ForAll("datagrams") Datagram d) {
        DatagramParser.Result r = DatagramParser.parse(d.bytes(), MAX_JOB_SIZE);
        assertNull(r.error());
        assertEquals(d.token(), r.put().token());
        assertEquals(d.tube() != null ? d.tube() : "default", r.put().tube());
        assertEquals(Op.PUT, r.put().put().op);
        assertEquals(d.pri(), r.put().put().pri);
        assertEquals(d.delay() * 1000, r.put().put().delayMs);
        assertEquals(d.ttr() * 1000, r.put().put().ttrMs);
        assertArrayEquals(d.body(), r.put().put().body);
    }

    /**
     * Random and mutated datagrams: exactly one of put or error, the error one of the protocol's
     * words, and a put only for bytes that really are a datagram of that put (nothing guessed).
     */
    @Property
    void anyBytesGiveOnePutOrOneProtocolError(@ForAll("anyDatagram") byte[] bytes) {
        DatagramParser.Result r = DatagramParser.parse(bytes, MAX_JOB_SIZE);
        assertTrue(r.put() == null ^ r.error() == null, "exactly one of put and error");
        Statistics.collect(r.put() != null ? "put" : r.error().trim());
        if (r.error() != null) {
            assertTrue(ERRORS.contains(r.error()), r.error());
            return;
        }
        byte[] body = r.put().put().body;
        assertNotNull(body);
        // the datagram ends with the body and its CRLF...
        byte[] tail = ProtocolStreams.concat(body, ProtocolStreams.ascii("\r\n"));
        assertTrue(bytes.length >= tail.length);
        assertArrayEquals(tail, Arrays.copyOfRange(bytes, bytes.length - tail.length, bytes.length));
        // ...after at most an id line, a use line and a put line that beanstalkd 1.12 reads as this very put
        String[] lines = new String(bytes, 0, bytes.length - tail.length, StandardCharsets.ISO_8859_1).split("\r\n", -1);
        int putLine = lines.length - 2;
        assertTrue(putLine >= 0 && putLine <= 2 && lines[lines.length - 1].isEmpty(), Arrays.toString(lines));
        assertEquals(List.of(FramedCommands.describe(r.put().put())),
                ReferenceFraming.frame(ProtocolStreams.concat(ProtocolStreams.ascii(lines[putLine] + "\r\n"), tail), MAX_JOB_SIZE));
        int i = 0;
        if (r.put().token() != null) {
            assertEquals("id " + r.put().token(), lines[i++]);
        }
        if (i < putLine) {
            assertEquals("use " + r.put().tube(), lines[i++]);
        } else {
            assertEquals("default", r.put().tube());
        }
        assertEquals(putLine, i, "no other line");
    }

    /** A well-formed datagram whose announced size is off, whose trailer is wrong, or that is cut short is refused. */
    @Property
    void wrongLengthsAndTruncationAreRefused(@ForAll("datagrams") Datagram d, @ForAll("damage") int damage) {
        byte[] b = d.bytes();
        byte[] bad = switch (damage) {
            case 0 -> Arrays.copyOf(b, b.length - 1); // cut short
            case 1 -> ProtocolStreams.concat(b, ProtocolStreams.ascii("x")); // something after the message
            case 2 -> { // trailer not CRLF
                byte[] c = b.clone();
                c[c.length - 2] = 'X';
                yield c;
            }
            case 3 -> d.withSize(d.body().length == 0 ? 1 : d.body().length - 1);
            default -> d.withSize(d.body().length + damage - 3); // announces 1 to 5 bytes more than it carries
        };
        DatagramParser.Result r = DatagramParser.parse(bad, MAX_JOB_SIZE);
        assertNull(r.put(), "accepted a damaged datagram");
        assertTrue(ERRORS.contains(r.error()), r.error());
    }

    @Provide
    Arbitrary<Datagram> datagrams() {
        Arbitrary<String> token = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(64).injectNull(0.3);
        Arbitrary<String> tube = Arbitraries.strings().withChars(ProtocolStreams.NAME_CHARS.substring(0, 62))
                .ofMinLength(1).ofMaxLength(30).injectNull(0.3);
        Arbitrary<Long> u32 = Arbitraries.oneOf(Arbitraries.longs().between(0, 100), Arbitraries.of(0xFFFF_FFFFL));
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize((int) MAX_JOB_SIZE);
        return Combinators.combine(token, tube, u32, u32, u32, body).as(Datagram::new);
    }

    @Provide
    Arbitrary<Integer> damage() {
        return Arbitraries.integers().between(0, 8);
    }

    @Provide
    Arbitrary<byte[]> anyDatagram() {
        Arbitrary<byte[]> mutatedDatagram = Combinators.combine(datagrams(), ProtocolStreams.mutated())
                .as((d, noise) -> noise.length % 3 == 0 ? d.bytes() : mutate(d.bytes(), noise));
        return Arbitraries.frequencyOf(
                Tuple.of(3, mutatedDatagram),
                Tuple.of(2, ProtocolStreams.streams()),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
    }

    /** Overwrites a few bytes of {@code d} at spots chosen by {@code noise}. */
    private static byte[] mutate(byte[] d, byte[] noise) {
        byte[] b = d.clone();
        for (int i = 0; i + 1 < noise.length && i < 6; i += 2) {
            if (b.length > 0) {
                b[Math.floorMod(noise[i], b.length)] = noise[i + 1];
            }
        }
        return b;
    }
}
