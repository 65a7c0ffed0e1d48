package dev.sockq.net;

import dev.sockq.support.BeanstalkdProcess;
import dev.sockq.support.TestServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Generated streams over real sockets: the replies must be the errors {@link ReferenceFraming}
 * predicts, in the same places (any other reply stands for a command that parsed), from the real
 * beanstalkd 1.12 (which checks the fuzzers' oracle itself; skipped when it is not installed)
 * and from sockq. {@code -Dsockq.reference.streams=N} compares more streams.
 */
class GeneratedStreamsOverTcpTest {
    private static final int STREAMS = Integer.getInteger("sockq.reference.streams", 500);
    private static final Set<String> ERRORS = Set.of("BAD_FORMAT", "UNKNOWN_COMMAND", "EXPECTED_CRLF", "JOB_TOO_BIG");

    @Test
    void referenceFramingPredictsBeanstalkdsErrors() throws Exception {
        assumeTrue(BeanstalkdProcess.installed(), "beanstalkd is not installed");
        try (BeanstalkdProcess bs = BeanstalkdProcess.start()) {
            compareStreams(bs.port());
        }
    }

    /**
     * The same through sockq's whole TCP path (socket, framer, batching, daemon): every stream,
     * sent on its own connection, gets the predicted errors, and the server keeps serving the next.
     */
    @Test
    void sockqOverTcpRepliesTheErrorsBeanstalkdWould() throws Exception {
        try (TestServer sockq = TestServer.start()) {
            compareStreams(sockq.port());
        }
    }

    /** Sends STREAMS generated streams, each on its own connection, and checks the predicted errors. */
    private static void compareStreams(int port) throws Exception {
        Iterator<byte[]> streams = ProtocolStreams.streams().sampleStream().iterator();
        int compared = 0;
        while (compared < STREAMS) {
            byte[] s = streams.next();
            List<String> expected = predicted(ReferenceFraming.frame(s, 65535));
            if (expected == null) {
                continue; // a blocking reserve: the server would wait for a job
            }
            assertEquals(expected, replies(port, s), () -> "stream " + HexFormat.of().formatHex(s));
            compared++;
        }
    }

    /** The reference's commands as reply classes: the error word, or "*" for a command that parsed. */
    private static List<String> predicted(List<String> commands) {
        List<String> out = new ArrayList<>();
        for (String c : commands) {
            if (c.startsWith("ERROR ")) {
                out.add(c.split(" ")[1]);
            } else if (c.startsWith("QUIT ")) {
                break; // beanstalkd hangs up
            } else if (c.startsWith("RESERVE ") || (c.startsWith("RESERVE_WITH_TIMEOUT ") && !c.contains(" count=0 "))) {
                return null;
            } else {
                out.add("*");
            }
        }
        return out;
    }

    /** Sends the stream, half-closes, and classifies every reply until beanstalkd closes. */
    private static List<String> replies(int port, byte[] stream) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(stream);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // beanstalkd hung up (quit): the replies say what happened
                }
            });
            InputStream in = socket.getInputStream();
            List<String> out = new ArrayList<>();
            String line;
            while ((line = line(in)) != null) {
                String[] w = line.split(" ");
                if (w[0].equals("OK") || w[0].equals("FOUND") || w[0].equals("RESERVED")) {
                    in.readNBytes(Integer.parseInt(w[w.length - 1]) + 2);
                }
                out.add(ERRORS.contains(w[0]) ? w[0] : "*");
            }
            writer.join();
            return out;
        }
    }

    /** One reply line without its CRLF, or null at the end of the connection. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (java.net.SocketException reset) {
                c = -1;
            }
            if (c < 0) {
                if (b.size() > 0) {
                    throw new EOFException("connection closed inside a reply: " + b);
                }
                return null;
            }
            if (prev == '\r' && c == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1).substring(0, b.size() - 1);
            }
            b.write(c);
            prev = c;
        }
    }
}
