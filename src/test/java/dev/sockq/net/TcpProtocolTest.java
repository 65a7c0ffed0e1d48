package dev.sockq.net;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The beanstalkd protocol through a real socket: every command, every error, framing and connection life. */
@ExtendWith(VertxExtension.class)
class TcpProtocolTest {
    private TestServer server;
    private RawClient c;

    @BeforeEach
    void start(Vertx vertx) throws IOException {
        server = TestServer.start(vertx, new JsonObject().put("maxJobSize", 1000));
        c = server.client();
    }

    @AfterEach
    void stop() throws IOException {
        c.close();
        server.close();
    }

    @Test
    void putReserveDelete() throws IOException {
        assertEquals("INSERTED 1\r\n", c.call("put 10 0 60 5\r\nhello\r\n"));
        assertEquals("RESERVED 1 5\r\nhello\r\n", c.call("reserve\r\n"));
        assertEquals("DELETED\r\n", c.call("delete 1\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("delete 1\r\n"));
    }

    @Test
    void everyCommandAnswers() throws IOException {
        assertEquals("USING jobs\r\n", c.call("use jobs\r\n"));
        assertEquals("USING jobs\r\n", c.call("list-tube-used\r\n"));
        assertEquals("WATCHING 2\r\n", c.call("watch jobs\r\n"));
        assertEquals("WATCHING 1\r\n", c.call("ignore default\r\n"));
        assertEquals("NOT_IGNORED\r\n", c.call("ignore jobs\r\n"));
        assertEquals("OK 11\r\n---\n- jobs\n\r\n", c.call("list-tubes-watched\r\n"));
        assertEquals("OK 21\r\n---\n- default\n- jobs\n\r\n", c.call("list-tubes\r\n"));
        assertEquals("INSERTED 1\r\n", c.call("put 5 0 60 1\r\na\r\n"));
        assertEquals("INSERTED 2\r\n", c.call("put 5 100 60 1\r\nb\r\n"));
        assertEquals("FOUND 1 1\r\na\r\n", c.call("peek-ready\r\n"));
        assertEquals("FOUND 2 1\r\nb\r\n", c.call("peek-delayed\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("peek-buried\r\n"));
        assertEquals("FOUND 2 1\r\nb\r\n", c.call("peek 2\r\n"));
        assertEquals("RESERVED 1 1\r\na\r\n", c.call("reserve-with-timeout 0\r\n"));
        assertEquals("TOUCHED\r\n", c.call("touch 1\r\n"));
        assertEquals("RELEASED\r\n", c.call("release 1 7 0\r\n"));
        assertEquals("RESERVED 1 1\r\na\r\n", c.call("reserve-job 1\r\n"));
        assertEquals("BURIED\r\n", c.call("bury 1 9\r\n"));
        assertEquals("FOUND 1 1\r\na\r\n", c.call("peek-buried\r\n"));
        assertEquals("KICKED 1\r\n", c.call("kick 10\r\n"));
        assertEquals("KICKED\r\n", c.call("kick-job 2\r\n"));
        String job = c.call("stats-job 1\r\n");
        assertTrue(job.contains("\nstate: ready\npri: 9\n"), job);
        assertTrue(job.contains("\nreserves: 2\ntimeouts: 0\nreleases: 1\nburies: 1\nkicks: 1\n"), job);
        String tube = c.call("stats-tube jobs\r\n");
        assertTrue(tube.startsWith("OK "), tube);
        assertTrue(tube.contains("\nname: jobs\ncurrent-jobs-urgent: 2\ncurrent-jobs-ready: 2\n"), tube);
        assertEquals("PAUSED\r\n", c.call("pause-tube jobs 0\r\n"));
        String stats = c.call("stats\r\n");
        assertTrue(stats.contains("\ncmd-put: 2\n"), stats);
        assertTrue(stats.contains("\ncurrent-jobs-ready: 2\n"), stats);
        assertTrue(stats.contains("\nmax-job-size: 1000\n"), stats);
        assertYamlLength(stats);
        assertEquals("DELETED\r\n", c.call("delete 2\r\n"));
        c.send("quit\r\n");
        assertTrue(c.closedByServer());
    }

    @Test
    void errorsAreBeanstalkdsWords() throws IOException {
        assertEquals("UNKNOWN_COMMAND\r\n", c.call("frobnicate\r\n"));
        assertEquals("UNKNOWN_COMMAND\r\n", c.call("\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("put 1 2\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("put -1 0 1 1\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("put 4294967296 0 1 1\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("delete x\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("reservex\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("use -bad\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("use " + "a".repeat(201) + "\r\n"));
        assertEquals("USING " + "a".repeat(200) + "\r\n", c.call("use " + "a".repeat(200) + "\r\n"));
        assertEquals("BAD_FORMAT\r\n", c.call("stats\0\r\n"));
        assertEquals("EXPECTED_CRLF\r\n", c.call("put 0 0 1 2\r\nabc\r\n"));
        // the 2-byte body was "ab", its "trailer" was "c\r"; the "\n" left over starts the next line
        assertEquals("UNKNOWN_COMMAND\r\n", c.call("\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("stats-tube nope\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("pause-tube nope 1\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("kick-job 99\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("peek 99\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("touch 99\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("release 99 0 0\r\n"));
        assertEquals("NOT_FOUND\r\n", c.call("bury 99 0\r\n"));
        assertEquals("TIMED_OUT\r\n", c.call("reserve-with-timeout 0\r\n"));
    }

    @Test
    void tooLongLineIsRejectedAndConnectionStaysUsable() throws IOException {
        assertEquals("BAD_FORMAT\r\n", c.call("x".repeat(5000) + "\r\n"));
        assertEquals("USING default\r\n", c.call("list-tube-used\r\n"));
    }

    @Test
    void tooBigJobIsSkippedThenAGoodOneWorks() throws IOException {
        byte[] big = new byte[1001];
        c.send("put 0 0 10 1001\r\n").send(big).send("\r\n");
        assertEquals("JOB_TOO_BIG\r\n", c.reply());
        assertEquals("INSERTED 1\r\n", c.call("put 0 0 10 1000\r\n" + "z".repeat(1000) + "\r\n"));
        assertEquals("RESERVED 1 1000\r\n" + "z".repeat(1000) + "\r\n", c.call("reserve\r\n"));
    }

    @Test
    void commandsSplitAcrossWritesAndPipelined() throws IOException {
        String all = "use a\r\nput 1 0 5 3\r\nabc\r\nput 0 0 5 0\r\n\r\nwatch a\r\nreserve\r\nreserve\r\nstats-job 1\r\n";
        for (byte b : all.getBytes(StandardCharsets.ISO_8859_1)) {
            c.send(new byte[] {b});
        }
        assertEquals("USING a\r\n", c.reply());
        assertEquals("INSERTED 1\r\n", c.reply());
        assertEquals("INSERTED 2\r\n", c.reply());
        assertEquals("WATCHING 2\r\n", c.reply());
        assertEquals("RESERVED 2 0\r\n\r\n", c.reply());
        assertEquals("RESERVED 1 3\r\nabc\r\n", c.reply());
        assertTrue(c.reply().contains("state: reserved"));
        // and many commands in one write
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            many.append("put 0 0 5 2\r\nhi\r\n");
        }
        c.send(many.toString());
        for (int i = 0; i < 500; i++) {
            assertEquals("INSERTED " + (i + 3) + "\r\n", c.reply());
        }
    }

    @Test
    void halfClosedClientStillGetsItsReplies() throws IOException {
        // what `printf 'stats\r\n' | nc host 11300` does: send, then shut down the sending side
        c.send("put 0 0 5 2\r\nhi\r\nlist-tube-used\r\npeek 1\r\n");
        c.socket().shutdownOutput();
        assertEquals("INSERTED 1\r\n", c.reply());
        assertEquals("USING default\r\n", c.reply());
        assertEquals("FOUND 1 2\r\nhi\r\n", c.reply());
        assertTrue(c.closedByServer());
    }

    @Test
    void blockedReserveIsAnsweredByAnotherClientsPut() throws IOException {
        try (RawClient producer = server.client()) {
            c.send("reserve\r\nlist-tube-used\r\n");
            assertTrue(c.silentFor(200));
            assertEquals("INSERTED 1\r\n", producer.call("put 0 0 5 4\r\nwork\r\n"));
            assertEquals("RESERVED 1 4\r\nwork\r\n", c.reply());
            assertEquals("USING default\r\n", c.reply());
        }
    }

    @Test
    void droppedConnectionReleasesItsJobs() throws IOException {
        assertEquals("INSERTED 1\r\n", c.call("put 0 0 100 1\r\nx\r\n"));
        try (RawClient worker = server.client()) {
            assertEquals("RESERVED 1 1\r\nx\r\n", worker.call("reserve\r\n"));
            worker.socket().setSoLinger(true, 0); // vanish with a reset, not a polite close
        }
        assertEquals("RESERVED 1 1\r\nx\r\n", c.call("reserve-with-timeout 5\r\n"));
        String job = c.call("stats-job 1\r\n");
        assertTrue(job.contains("reserves: 2\n") && job.contains("releases: 0\n"), job);
    }

    @Test
    void reserveTimeoutAndTtrExpireWithoutClientTraffic() throws IOException {
        assertEquals("TIMED_OUT\r\n", c.call("reserve-with-timeout 1\r\n"));
        assertEquals("INSERTED 1\r\n", c.call("put 0 0 1 1\r\nx\r\n"));
        try (RawClient worker = server.client()) {
            assertEquals("RESERVED 1 1\r\nx\r\n", worker.call("reserve\r\n"));
            // the worker stays silent; the job comes back after its 1 s TTR
            assertEquals("RESERVED 1 1\r\nx\r\n", c.call("reserve-with-timeout 5\r\n"));
            assertEquals("NOT_FOUND\r\n", worker.call("delete 1\r\n"));
        }
        assertTrue(c.call("stats-job 1\r\n").contains("timeouts: 1\n"));
    }

    @Test
    void deadlineSoonWakesAWaitingReserve() throws IOException {
        assertEquals("INSERTED 1\r\n", c.call("put 0 0 1 1\r\nx\r\n"));
        assertEquals("RESERVED 1 1\r\nx\r\n", c.call("reserve\r\n"));
        assertEquals("DEADLINE_SOON\r\n", c.call("reserve\r\n"));
    }

    @Test
    void concurrentConsumersGetEachJobExactlyOnce() throws Exception {
        int jobs = 2000;
        int consumers = 8;
        StringBuilder puts = new StringBuilder();
        for (int i = 0; i < jobs; i++) {
            puts.append("put 0 0 60 ").append(String.valueOf(i).length()).append("\r\n").append(i).append("\r\n");
        }
        c.send(puts.toString());
        for (int i = 0; i < jobs; i++) {
            assertTrue(c.reply().startsWith("INSERTED "));
        }
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < consumers; w++) {
            done.add(pool.submit(() -> {
                try (RawClient worker = server.client()) {
                    while (true) {
                        String r = worker.call("reserve-with-timeout 0\r\n");
                        if (r.equals("TIMED_OUT\r\n")) {
                            return null;
                        }
                        String[] head = r.split("\r\n");
                        String id = head[0].split(" ")[1];
                        seen.add(head[1]);
                        assertEquals("DELETED\r\n", worker.call("delete " + id + "\r\n"));
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(jobs, seen.size());
        Set<String> unique = new HashSet<>(seen);
        assertEquals(jobs, unique.size());
    }

    @Test
    void clientThatNeverReadsIsThrottledAndOthersAreServed() throws Exception {
        assertEquals("INSERTED 1\r\n", c.call("put 0 0 60 1000\r\n" + "p".repeat(1000) + "\r\n"));
        try (RawClient greedy = server.client()) {
            greedy.socket().setReceiveBufferSize(4096);
            byte[] peek = "peek 1\r\n".getBytes(StandardCharsets.ISO_8859_1);
            byte[] burst = new byte[peek.length * 4096];
            for (int i = 0; i < 4096; i++) {
                System.arraycopy(peek, 0, burst, i * peek.length, peek.length);
            }
            // ~4 MB of replies owed; the writer thread blocks once sockq stops reading
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        greedy.send(burst);
                    }
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            // meanwhile another client is served normally
            for (int i = 0; i < 100; i++) {
                assertEquals("USING default\r\n", c.call("list-tube-used\r\n"));
            }
            String stats = c.call("stats\r\n");
            assertTrue(stats.contains("current-connections: 2\n"), stats);
            // and the greedy client still gets correct replies when it reads
            assertEquals("FOUND 1 1000\r\n" + "p".repeat(1000) + "\r\n", greedy.reply());
        }
    }

    @Test
    void stoppingClosesWaitingAndIdleClientsWithoutWaitingForTheTimeout() throws Exception {
        // its own Vert.x: the daemon's event-bus addresses are per Vert.x, one server each
        TestServer other = TestServer.start(new JsonObject().put("shutdownTimeout", 30));
        try (RawClient waiting = other.client(); RawClient idle = other.client()) {
            waiting.send("reserve\r\n");
            assertEquals("USING default\r\n", idle.call("list-tube-used\r\n"));
            assertTrue(waiting.silentFor(100));
            long start = System.nanoTime();
            other.close(); // stops accepting, lets connections finish, then stops the daemon
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "did not wait for the 30 s timeout");
            assertTrue(waiting.closedByServer());
            assertTrue(idle.closedByServer());
        }
    }

    private static void assertYamlLength(String okReply) {
        int eol = okReply.indexOf("\r\n");
        int n = Integer.parseInt(okReply.substring(3, eol));
        assertEquals(n + 2, okReply.length() - eol - 2);
    }
}
