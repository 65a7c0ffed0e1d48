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
