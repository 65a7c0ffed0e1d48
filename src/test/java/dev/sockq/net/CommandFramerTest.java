package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing independent of how the stream is cut into reads. */
class CommandFramerTest {
    private static final String STREAM = "use a\r\nput 1 2 3 5\r\nhe\r\no\r\n" + "x".repeat(300) + "\r\n"
            + "put 0 0 1 20\r\n" + "b".repeat(20) + "\r\nput 0 0 1 2\r\nabc\r\nreserve\r\nquit\r\n";

    @Test
    void sameCommandsWhateverTheSplit() {
        List<String> whole = frame(List.of(STREAM));
        // after the bad trailer "c\r", the lone "\n" starts the next line: "\nreserve" is unknown
        assertEquals(List.of("USE a", "PUT 1 2000 3000 he\r\no", "ERROR BAD_FORMAT", "ERROR JOB_TOO_BIG",
                "ERROR EXPECTED_CRLF", "ERROR UNKNOWN_COMMAND", "QUIT"), whole);
        Random r = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<String> pieces = new ArrayList<>();
            int i = 0;
            while (i < STREAM.length()) {
                int n = 1 + r.nextInt(40);
                pieces.add(STREAM.substring(i, Math.min(STREAM.length(), i + n)));
                i += n;
            }
            assertEquals(whole, frame(pieces), "split " + pieces);
        }
    }

    @Test
    void lineOf224BytesIsTheLimit() {
        assertEquals(List.of("ERROR UNKNOWN_COMMAND"), frame(List.of("x".repeat(222) + "\r\n")));
        assertEquals(List.of("ERROR BAD_FORMAT", "USE a"), frame(List.of("x".repeat(224) + "\r\nuse a\r\n")));
        // the CR is the 224th byte: the LF alone does not end the discarded line
        assertEquals(List.of("ERROR BAD_FORMAT", "USE b"), frame(List.of("x".repeat(223) + "\r\nuse a\r\nuse b\r\n")));
    }

    @Test
    void incompleteBodyWaitsForMoreInput() {
        CommandFramer f = new CommandFramer(100);
        f.feed(Buffer.buffer("put 0 0 1 4\r\nab"));
        assertNull(f.next());
        assertFalse(f.hasInput());
        f.feed(Buffer.buffer("cd\r"));
        assertNull(f.next());
        f.feed(Buffer.buffer("\n"));
        Command c = f.next();
        assertEquals(Op.PUT, c.op);
        assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), c.body);
    }

    // Regression tests for differences from beanstalkd 1.12 found by CommandFramerFuzzTest, each
    // checked against the real beanstalkd 1.12 binary.

    @Test
    void strayCrKeepsTheLineOpenUntil224Bytes() {
        assertEquals(List.of(), described("use a\rb\r\nlist-tube-used\r\n"));
        // 224 bytes in, BAD_FORMAT once the line under way ends, then the 6 commands after it
        List<String> out = described("a\rb\r\n" + "list-tube-used\r\n".repeat(20));
        assertEquals(7, out.size(), out.toString());
        assertEquals("ERROR BAD_FORMAT", out.get(0));
        assertTrue(out.subList(1, 7).stream().allMatch(c -> c.startsWith("LIST_TUBE_USED")), out.toString());
    }

    @Test
    void tooLongLineIsAnsweredWhenItsEndArrives() {
        CommandFramer f = new CommandFramer(10);
        f.feed(Buffer.buffer("x".repeat(300)));
        assertNull(f.next());
        f.feed(Buffer.buffer("\r\nstats\r\n"));
        assertEquals("ERROR BAD_FORMAT", FramedCommands.describe(f.next()));
        assertEquals(Op.STATS, f.next().op);
    }

    @Test
    void discardedLineEndsOnlyAtACrlfInsideOne224ByteWindow() {
        // the CR is the last byte of the first window, the LF the first of the next: not a line end
        String s = "x".repeat(224) + "y".repeat(223) + "\r\nstats\r\nlist-tubes\r\n";
        assertEquals(List.of("ERROR BAD_FORMAT", "LIST_TUBES"), described(s).stream().map(d -> d.split(" id=")[0]).toList());
    }

    @Test
    void putWithTrailingGarbageIsCountedAsAPut() {
        assertEquals(List.of("ERROR BAD_FORMAT by PUT"), described("put 1 0 1 1 x\r\n"));
    }

    @Test
    void pauseTubeWithAnInvalidTubeNameIsBadFormat() {
        assertEquals(List.of("ERROR BAD_FORMAT by PAUSE_TUBE", "ERROR BAD_FORMAT by PAUSE_TUBE"),
                described("pause-tube -a 5\r\npause-tube " + "a".repeat(201) + " 5\r\n"));
    }

    @Test
    void reserveTimeoutTakesTheWholeRangeOfALong() {
        assertEquals(List.of("RESERVE_WITH_TIMEOUT id=0 pri=0 delay=0 ttr=0 count=0 tube=null", "ERROR BAD_FORMAT"),
                described("reserve-with-timeout -9223372036854775808\r\nreserve-with-timeout -9223372036854775809\r\n"));
    }

    private static List<String> described(String stream) {
        return FramedCommands.frame(stream.getBytes(StandardCharsets.ISO_8859_1), List.of(), 65535);
    }

    private static List<String> frame(List<String> pieces) {
        CommandFramer f = new CommandFramer(10);
        List<String> out = new ArrayList<>();
        for (String p : pieces) {
            f.feed(Buffer.buffer(p.getBytes(StandardCharsets.ISO_8859_1)));
            Command c;
            while ((c = f.next()) != null) {
                out.add(describe(c));
            }
        }
        return out;
    }

    private static String describe(Command c) {
        return switch (c.op) {
            case ERROR -> "ERROR " + c.error.trim();
            case PUT -> "PUT " + c.pri + " " + c.delayMs + " " + c.ttrMs + " " + new String(c.body, StandardCharsets.ISO_8859_1);
            case USE -> "USE " + c.tube;
            default -> c.op.name();
        };
    }
}
