package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.ClientOptions;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `sockq bench` in-process against a real sockq: exit codes, the RESULT line, and what the server saw. */
@Timeout(20)
class BenchCommandTest {
    private TestServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int bench(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 3];
        all[0] = "bench";
        all[1] = "--server";
        all[2] = "127.0.0.1:" + server.port();
        System.arraycopy(args, 0, all, 3, args.length);
        return cl.execute(all);
    }

    private JsonObject result() {
        String last = out.toString().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("RESULT {"), "stdout ends with the RESULT line: " + out);
        return new JsonObject(last.substring("RESULT ".length()));
    }

    private Map<String, String> serverStats() {
        return tubeStats(null);
    }

    /** The server's stats, or a tube's. */
    private Map<String, String> tubeStats(String tube) {
        var vertx = io.vertx.core.Vertx.vertx();
        try {
            BeanstalkClient c = BeanstalkClient.connect(vertx, ClientOptions.of("127.0.0.1", server.port())).await();
            return (tube == null ? c.stats() : c.statsTube(tube)).await();
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void udpPutDeliversEveryDatagramExactlyOnce() {
        assertEquals(0, bench("--mode", "udp-put", "-n", "3000", "-c", "2", "-d", "16", "--quiet"), err::toString);
        JsonObject r = result();
        assertEquals("udp-put", r.getString("mode"));
        assertEquals(3000L, r.getLong("jobs"));
        assertEquals(0L, r.getLong("errors"));
        Map<String, String> s = serverStats();
        assertEquals("3000", s.get("total-jobs"), "no datagram inserted twice, none missing");
        assertEquals("3000", s.get("udp-datagrams-inserted"));
    }

    @Test
    void cyclePutsReservesAndDeletesEveryJob() {
        assertEquals(0, bench("--mode", "cycle", "-n", "2000", "-c", "4", "--quiet"), err::toString);
        JsonObject r = result();
        assertEquals("cycle", r.getString("mode"));
        assertEquals(2000L, r.getLong("jobs"));
        assertEquals(0L, r.getLong("errors"));
        assertTrue(r.getDouble("jobs_per_sec") > 0 && r.getDouble("p99_us") >= r.getDouble("p50_us"));
        assertEquals(1, out.toString().lines().count(), "--quiet leaves only the RESULT line");
        Map<String, String> s = serverStats();
        assertEquals("2000", s.get("cmd-put"));
        assertEquals("2000", s.get("cmd-reserve"));
        assertEquals("2000", s.get("cmd-delete"));
        assertEquals("0", s.get("current-jobs-ready"));
        assertEquals("0", s.get("current-jobs-reserved"));
        assertEquals("2000", s.get("total-jobs"));
    }

    @Test
    void putModeWithPipelineLeavesTheJobsInAFreshTube() {
        assertEquals(0, bench("--mode", "put", "-n", "1500", "-c", "3", "-d", "8", "--size", "10", "--tube", "bt"),
                err::toString);
        JsonObject r = result();
        assertEquals(1500L, r.getLong("jobs"));
        assertEquals(8, r.getInteger("pipeline"));
        assertTrue(out.toString().contains("jobs/s"), "a human summary before the RESULT line");
        Map<String, String> s = serverStats();
        assertEquals("1500", s.get("cmd-put"));
        assertEquals("1500", s.get("current-jobs-ready"));
    }

    @Test
    void tubesSpreadTheConnectionsOverSeveralTubes() {
        // put mode, so the jobs stay and the tubes with them
        assertEquals(0, bench("--mode", "put", "-n", "1200", "-c", "6", "--tubes", "3", "--tube", "spread", "--quiet"),
                err::toString);
        assertEquals(1200L, result().getLong("jobs"));
        long sum = 0;
        for (int i = 0; i < 3; i++) { // producers share one pool of jobs: each tube gets some, together all
            long n = Long.parseLong(tubeStats("spread-" + i).get("current-jobs-ready"));
            assertTrue(n > 0, "tube spread-" + i + " got no jobs");
            sum += n;
        }
        assertEquals(1200, sum);
    }

    @Test
    void prodconsConsumesWhatItProduces() {
        assertEquals(0, bench("--mode", "prodcons", "-n", "1000", "-c", "4", "-d", "4", "--quiet"), err::toString);
        assertEquals(1000L, result().getLong("jobs"));
        Map<String, String> s = serverStats();
        assertEquals("1000", s.get("cmd-put"));
        assertEquals("1000", s.get("cmd-delete"));
        assertEquals("0", s.get("current-jobs-ready"));
    }

    @Test
    void durationModeStopsByItself() {
        assertEquals(0, bench("--mode", "cycle", "--duration", "0.3", "-c", "2", "--quiet"), err::toString);
        Map<String, String> s = serverStats();
        assertEquals(s.get("cmd-put"), s.get("cmd-delete"));
        assertTrue(result().getLong("jobs") > 0);
    }

    @Test
    void warmupRunsTheLoadFirstAndMeasuresOnlyWhatFollows() {
        // the server runs in this JVM: its CPU is this process's
        assertEquals(0, bench("--mode", "cycle", "--warmup", "0.3", "-n", "1000", "-c", "2", "--quiet",
                "--server-pid", Long.toString(ProcessHandle.current().pid())), err::toString);
        long measured = result().getLong("jobs");
        assertTrue(result().getDouble("server_cpu_us_per_job") > 0, out::toString);
        double sys = result().getDouble("server_sys_us_per_job");
        assertTrue(sys >= 0 && sys <= result().getDouble("server_cpu_us_per_job"), out::toString);
        // jobs in flight when the measured part began finish inside it and count: at most one per connection
        assertTrue(measured >= 1000 && measured <= 1002, "measured jobs: " + measured);
        Map<String, String> s = serverStats();
        long puts = Long.parseLong(s.get("cmd-put"));
        assertTrue(puts > measured, "the warm-up put jobs too: " + puts);
        assertEquals(s.get("cmd-put"), s.get("cmd-delete"), "every job, warm-up or not, was taken and deleted");
        assertEquals("0", s.get("current-jobs-ready"));
    }

    @Test
    void wrongRepliesAreErrors() {
        // a body over the server's max job size: every put gets JOB_TOO_BIG
        assertEquals(1, bench("--mode", "put", "-n", "5", "-c", "1", "--size", "70000", "--quiet"));
        assertEquals(5L, result().getLong("errors"));
        assertTrue(err.toString().contains("JOB_TOO_BIG"), err::toString);
    }

    @Test
    void exitsThreeWhenItCannotConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(3, cl.execute("bench", "--server", "127.0.0.1:" + port, "-n", "10", "--quiet"));
        assertTrue(err.toString().contains("cannot connect"), err::toString);
    }
}
