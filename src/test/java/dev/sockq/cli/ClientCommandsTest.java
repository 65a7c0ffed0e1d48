package dev.sockq.cli;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client subcommands against a live server: output, exit codes, bodies from argument, file and stdin. */
class ClientCommandsTest {
    private TestServer server;
    private StringWriter out;
    private StringWriter err;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int sockq(String command, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 3];
        all[0] = command;
        all[1] = "--server";
        all[2] = "127.0.0.1:" + server.port();
        System.arraycopy(args, 0, all, 3, args.length);
        return cl.execute(all);
    }

    @Test
    void putFromArgumentFileAndStdinThenReserveAndDelete() throws IOException {
        assertEquals(0, sockq("put", "-t", "mail", "--pri", "5", "from argument"));
        assertEquals("1", out.toString().trim());
        Path file = Files.writeString(dir.resolve("body.txt"), "from file");
        assertEquals(0, sockq("put", "-t", "mail", "--pri", "6", "--file", file.toString()));
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, sockq("put", "-t", "mail", "--pri", "7"));
        } finally {
            System.setIn(stdin);
        }
        assertEquals("3", out.toString().trim());

        assertEquals(0, sockq("reserve", "-t", "mail", "--timeout", "1", "--delete"));
        assertEquals("from argument", out.toString());
        assertEquals("id: 1", err.toString().trim());
        assertEquals(0, sockq("peek", "2"));
        assertEquals("from file", out.toString());
        assertEquals(0, sockq("delete", "2", "3"));
        assertEquals(1, sockq("delete", "3"), "already gone");
        assertTrue(err.toString().contains("NOT_FOUND"), err.toString());
        try (RawClient c = server.client()) {
            assertTrue(c.call("stats\r\n").contains("\ncurrent-jobs-ready: 0\n"));
        }
    }

    @Test
    void reserveTimesOutWithExitOne() {
        assertEquals(1, sockq("reserve", "-t", "empty", "--timeout", "0"));
        assertEquals("TIMED_OUT", err.toString().trim());
    }

    @Test
    void reserveWithoutDeleteLeavesTheJobToComeBack() throws IOException {
        sockq("put", "job");
        assertEquals(0, sockq("reserve", "--timeout", "1"));
        try (RawClient c = server.client()) {
            // the command's connection closed, so the job is ready again
            assertEquals("RESERVED 1 3\r\njob\r\n", c.call("reserve-with-timeout 5\r\n"));
        }
    }

    @Test
    void kickBuriedJobsByTubeOrById() throws IOException {
        try (RawClient c = server.client()) {
            c.call("use t\r\n");
            c.call("watch t\r\n");
            for (int i = 1; i <= 3; i++) {
                c.call("put 0 0 60 1\r\nx\r\n");
                c.call("reserve\r\n");
                assertEquals("BURIED\r\n", c.call("bury " + i + " 0\r\n"));
            }
        }
        assertEquals(0, sockq("kick", "-t", "t", "2"));
        assertEquals("kicked 2", out.toString().trim());
        assertEquals(0, sockq("kick", "--job", "3"));
        assertEquals(1, sockq("kick", "--job", "3"), "no longer buried");
    }

    @Test
    void statsAndTubesAsTablesAndJson() {
        sockq("put", "-t", "alpha", "a");
        sockq("put", "-t", "alpha", "--delay", "100", "b");
        assertEquals(0, sockq("stats"));
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("total-jobs\\s+2")), out.toString());
        assertEquals(0, sockq("stats", "--json"));
        assertEquals(2L, new JsonObject(out.toString()).getLong("total-jobs"));
        assertEquals(0, sockq("stats", "--tube", "alpha", "--json"));
        assertEquals(1L, new JsonObject(out.toString()).getLong("current-jobs-delayed"));
        assertEquals(0, sockq("stats", "--job", "1", "--json"));
        assertEquals("ready", new JsonObject(out.toString()).getString("state"));
        assertEquals(1, sockq("stats", "--job", "99"));

        assertEquals(0, sockq("tubes"));
        String[] lines = out.toString().split("\n");
        assertTrue(lines[0].matches("tube\\s+ready\\s+reserved\\s+delayed\\s+buried\\s+waiting"), lines[0]);
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("alpha\\s+1\\s+0\\s+1\\s+0\\s+0")), out.toString());
        assertEquals(0, sockq("tubes", "--json"));
        JsonArray tubes = new JsonArray(out.toString());
        assertEquals(2, tubes.size());
        assertEquals(new JsonObject().put("tube", "alpha").put("ready", 1L).put("reserved", 0L).put("delayed", 1L)
                .put("buried", 0L).put("waiting", 0L), tubes.getJsonObject(1));
    }

    @Test
    void worksAgainstDebiansBeanstalkdToo() throws Exception {
        java.nio.file.Path beanstalkd = java.nio.file.Path.of("/usr/bin/beanstalkd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(beanstalkd), "beanstalkd is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process bs = new ProcessBuilder(beanstalkd.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port)).start();
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    Thread.onSpinWait();
                }
            }
            String server = "127.0.0.1:" + port;
            out = new StringWriter();
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(out, true));
            assertEquals(0, cl.execute("put", "--server", server, "-t", "bs", "hello"));
            assertEquals("1", out.toString().trim());
            out.getBuffer().setLength(0);
            assertEquals(0, cl.execute("tubes", "--server", server, "--json"));
            assertTrue(new JsonArray(out.toString()).stream().anyMatch(t -> ((JsonObject) t).getString("tube").equals("bs")));
            out.getBuffer().setLength(0);
            assertEquals(0, cl.execute("reserve", "--server", server, "-t", "bs", "--timeout", "1", "--delete"));
            assertEquals("hello", out.toString());
            out.getBuffer().setLength(0);
            assertEquals(0, cl.execute("stats", "--server", server, "--json"));
            assertEquals(1L, new JsonObject(out.toString()).getLong("cmd-delete"));
        } finally {
            bs.destroyForcibly().waitFor();
        }
    }

    @Test
    void cannotConnectIsExitThreeAndBadUsageIsTwo() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        StringWriter e = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(e, true));
        assertEquals(3, cl.execute("stats", "--server", "127.0.0.1:" + closedPort));
        assertTrue(e.toString().contains("cannot connect"), e.toString());
        assertEquals(2, Main.run("delete", "not-a-number"));
    }
}
