package dev.sockq.cli;

import dev.sockq.client.StatsJson;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The client subcommands against a live server: output, exit codes, bodies from argument, file and stdin. */
class ClientCommandsTest {
    private TestServer server;
    /** What the last command printed: text on stdout and stderr, job bodies as raw bytes. */
    private String out;
    private String err;
    private byte[] raw;

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
        return sockqAt("127.0.0.1:" + server.port(), null, command, args);
    }

    /** Runs one subcommand in-process the way Main does, feeding {@code stdin} (if not null) to it. */
    private int sockqAt(String address, byte[] stdin, String command, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        ByteArrayOutputStream bodies = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        // picocli made the subcommand objects up front; hand them the byte streams a PrintWriter cannot carry
        ClientCommand sub = (ClientCommand) cl.getSubcommands().get(command).getCommand();
        sub.rawOut = bodies;
        if (stdin != null) {
            sub.in = new ByteArrayInputStream(stdin);
        }
        String[] all = new String[args.length + 3];
        all[0] = command;
        all[1] = "--server";
        all[2] = address;
        System.arraycopy(args, 0, all, 3, args.length);
        int code = cl.execute(all);
        out = o.toString();
        err = e.toString();
        raw = bodies.toByteArray();
        return code;
    }

    private String body() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    @Test
    void putFromArgumentFileAndStdinThenReserveAndDelete() throws IOException {
        assertEquals(0, sockq("put", "-t", "mail", "--pri", "5", "from argument"));
        assertEquals("1\n", out.replace("\r", ""));
        Path file = Files.writeString(dir.resolve("body.txt"), "from file");
        assertEquals(0, sockq("put", "-t", "mail", "--pri", "6", "--file", file.toString()));
        assertEquals("2", out.trim());
        assertEquals(0, sockqAt("127.0.0.1:" + server.port(), "from stdin".getBytes(StandardCharsets.UTF_8),
                "put", "-t", "mail", "--pri", "7"));
        assertEquals("3", out.trim());
        assertEquals(0, sockqAt("127.0.0.1:" + server.port(), "dash means stdin".getBytes(StandardCharsets.UTF_8),
                "put", "-t", "mail", "--pri", "8", "-"));
        assertEquals("4", out.trim());

        assertEquals(0, sockq("reserve", "-t", "mail", "--timeout", "1", "--delete"));
        assertEquals("from argument", body());
        assertEquals("", out, "the body goes out raw, nothing else on stdout");
        assertEquals("id: 1", err.trim());
        assertEquals(0, sockq("peek", "2"));
        assertEquals("from file", body());
        assertEquals("id: 2", err.trim());
        assertEquals(0, sockq("peek", "3"));
        assertEquals("from stdin", body());
        assertEquals(0, sockq("peek", "4"));
        assertEquals("dash means stdin", body());
        assertEquals(0, sockq("delete", "2", "3", "4"));
        assertEquals(List.of("deleted 2", "deleted 3", "deleted 4"), out.lines().toList());
        assertEquals(1, sockq("delete", "3"), "already gone");
        assertEquals("3: NOT_FOUND", err.trim());
        assertEquals(1, sockq("peek", "3"));
        assertEquals("NOT_FOUND", err.trim());
        try (RawClient c = server.client()) {
            assertTrue(c.call("stats\r\n").contains("\ncurrent-jobs-ready: 0\n"));
        }
    }

    @Test
    void stdinThroughSystemInWhenNothingIsInjected() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("via System.in".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, sockq("put"));
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, sockq("peek", "1"));
        assertEquals("via System.in", body());
    }

    @Test
    void binaryBodiesRoundTripByteForByte() throws IOException {
        byte[] all = new byte[256 + 4];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        // a CRLF inside the body and invalid UTF-8 (0xC3 alone, 0xFF): nothing may be re-encoded on the way
        System.arraycopy(new byte[] {'\r', '\n', (byte) 0xC3, (byte) 0xFF}, 0, all, 256, 4);
        Path file = Files.write(dir.resolve("body.bin"), all);
        assertEquals(0, sockq("put", "--file", file.toString()));
        assertEquals(0, sockqAt("127.0.0.1:" + server.port(), all, "put", "-t", "bin"));
        assertEquals(0, sockq("peek", "1"));
        assertArrayEquals(all, raw);
        assertEquals(0, sockq("reserve", "-t", "bin", "--timeout", "0", "--delete"));
        assertArrayEquals(all, raw);
        assertEquals("id: 2", err.trim());
    }

    @Test
    void reserveTimesOutWithExitOne() {
        assertEquals(1, sockq("reserve", "-t", "empty", "--timeout", "0"));
        assertEquals("TIMED_OUT", err.trim());
        assertEquals(0, raw.length);
    }

    @Test
    void reserveWatchesOnlyTheGivenTubes() {
        sockq("put", "in default");
        sockq("put", "-t", "b", "in b");
        assertEquals(1, sockq("reserve", "-t", "a", "--timeout", "0"), "default is not watched once -t is given");
        assertEquals(0, sockq("reserve", "-t", "a", "-t", "b", "--timeout", "0", "--delete"));
        assertEquals("in b", body());
        assertEquals(0, sockq("reserve", "--timeout", "0", "--delete"));
        assertEquals("in default", body());
    }

    @Test
    void reserveWithoutDeleteLeavesTheJobToComeBack() throws IOException {
        sockq("put", "job");
        assertEquals(0, sockq("reserve", "--timeout", "1"));
        assertEquals("job", body());
        try (RawClient c = server.client()) {
            // the command's connection closed, so the job is ready again
            assertEquals("RESERVED 1 3\r\njob\r\n", c.call("reserve-with-timeout 5\r\n"));
        }
    }

    @Test
    void reserveBuryThenKickByTubeOrById() throws IOException {
        for (int i = 1; i <= 4; i++) {
            assertEquals(0, sockq("put", "-t", "t", "--pri", String.valueOf(100 + i), "job " + i));
            assertEquals(0, sockq("reserve", "-t", "t", "--timeout", "0", "--bury"));
            assertEquals("job " + i, body());
        }
        try (RawClient c = server.client()) {
            String stats = c.call("stats-job 3\r\n");
            assertTrue(stats.contains("\nstate: buried\n") && stats.contains("\npri: 103\n"), stats);
        }
        assertEquals(0, sockq("peek", "-t", "t", "--buried"));
        assertEquals("job 1", body());
        assertEquals(0, sockq("kick", "-t", "t"));
        assertEquals("kicked 1", out.trim(), "the bound defaults to 1");
        assertEquals(0, sockq("kick", "-t", "t", "2"));
        assertEquals("kicked 2", out.trim());
        assertEquals(0, sockq("kick", "--job", "4"));
        assertEquals("kicked 4", out.trim());
        assertEquals(1, sockq("kick", "--job", "4"), "no longer buried");
        assertEquals("NOT_FOUND", err.trim());
        assertEquals(0, sockq("kick", "-t", "t", "10"));
        assertEquals("kicked 0", out.trim());
        assertEquals(2, sockq("reserve", "--delete", "--bury"));
        assertEquals(2, sockq("kick", "--job", "1", "5"));
    }

    @Test
    void statsAndTubesAsTablesAndJson() {
        sockq("put", "-t", "alpha", "a");
        sockq("put", "-t", "alpha", "--delay", "100", "b");
        assertEquals(0, sockq("stats"));
        assertTrue(out.lines().anyMatch(l -> l.matches("total-jobs\\s+2")), out);
        // two aligned columns: every value starts in the same place
        assertEquals(1, out.lines().mapToInt(l -> l.length() - l.replaceFirst("^\\S+\\s+", "").length()).distinct().count(), out);
        assertEquals(0, sockq("stats", "--json"));
        JsonObject stats = new JsonObject(out);
        assertEquals(2L, stats.getLong("total-jobs"));
        assertInstanceOf(Boolean.class, stats.getValue("draining"));
        assertInstanceOf(String.class, stats.getValue("id"), "the server's id is a label, not a number");
        assertInstanceOf(String.class, stats.getValue("version"));
        assertEquals(0, sockq("stats", "--tube", "alpha", "--json"));
        assertEquals(1L, new JsonObject(out).getLong("current-jobs-delayed"));
        assertEquals("alpha", new JsonObject(out).getString("name"));
        assertEquals(0, sockq("stats", "--job", "1", "--json"));
        JsonObject job = new JsonObject(out);
        assertEquals("ready", job.getString("state"));
        assertEquals(1L, job.getLong("id"));
        assertEquals(1, sockq("stats", "--job", "99"));
        assertEquals("NOT_FOUND", err.trim());
        assertEquals(1, sockq("stats", "--tube", "nosuch"));
        assertEquals(2, sockq("stats", "--tube", "alpha", "--job", "1"), "one of them");

        assertEquals(0, sockq("tubes"));
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).matches("tube\\s+ready\\s+reserved\\s+delayed\\s+buried\\s+waiting"), lines.get(0));
        assertTrue(lines.contains(String.format("%-7s %9s %9s %9s %9s %9s", "alpha", 1, 0, 1, 0, 0)), out);
        assertTrue(lines.stream().allMatch(l -> l.length() == lines.get(0).length()), "aligned columns:\n" + out);
        assertEquals(0, sockq("tubes", "--json"));
        JsonArray tubes = new JsonArray(out);
        assertEquals(2, tubes.size());
        assertEquals("default", tubes.getJsonObject(0).getString("tube"));
        assertEquals(new JsonObject().put("tube", "alpha").put("ready", 1L).put("reserved", 0L).put("delayed", 1L)
                .put("buried", 0L).put("waiting", 0L), tubes.getJsonObject(1));
    }

    @Test
    void statsJsonTypes() {
        assertEquals(12L, StatsJson.typed("total-jobs", "12", false));
        assertEquals(0.0015, StatsJson.typed("rusage-stime", "0.001500", true));
        assertEquals(true, StatsJson.typed("draining", "true", true));
        assertEquals("1234567890123456", StatsJson.typed("id", "1234567890123456", true), "hex id that happens to be digits");
        assertEquals(7L, StatsJson.typed("id", "7", false), "a job's id");
        assertEquals("42", StatsJson.typed("name", "42", false), "a tube named 42");
        assertEquals("007", StatsJson.typed("x", "007", false), "not canonical, kept as text");
    }

    @Test
    void worksAgainstDebiansBeanstalkdToo() throws Exception {
        Path beanstalkd = Path.of("/usr/bin/beanstalkd");
        assumeTrue(Files.isExecutable(beanstalkd), "beanstalkd is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process bs = new ProcessBuilder(beanstalkd.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port)).start();
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean up = false;
            while (!up && System.nanoTime() < deadline) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    up = true;
                } catch (IOException notYet) {
                    Thread.onSpinWait();
                }
            }
            assertTrue(up, "beanstalkd did not start listening");
            String at = "127.0.0.1:" + port;
            assertEquals(0, sockqAt(at, null, "put", "-t", "bs", "hello"));
            assertEquals("1", out.trim());
            assertEquals(0, sockqAt(at, null, "tubes", "--json"));
            assertTrue(new JsonArray(out).stream().anyMatch(t -> ((JsonObject) t).getString("tube").equals("bs")));
            assertEquals(0, sockqAt(at, null, "tubes"));
            assertTrue(out.lines().anyMatch(l -> l.matches("bs\\s+1\\s+0\\s+0\\s+0\\s+0")), out);
            assertEquals(0, sockqAt(at, null, "reserve", "-t", "bs", "--timeout", "1", "--delete"));
            assertEquals("hello", body());
            assertEquals(0, sockqAt(at, null, "stats"));
            assertTrue(out.lines().anyMatch(l -> l.matches("cmd-delete\\s+1")), out);
            assertEquals(0, sockqAt(at, null, "stats", "--json"));
            JsonObject stats = new JsonObject(out);
            assertEquals(1L, stats.getLong("cmd-delete"));
            assertEquals("1.12", stats.getString("version"));
            assertInstanceOf(String.class, stats.getValue("id"));
            assertEquals(1, sockqAt(at, null, "reserve", "-t", "bs", "--timeout", "0"));
            assertEquals("TIMED_OUT", err.trim());
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
        for (String command : List.of("put", "reserve", "delete", "kick", "peek", "stats", "tubes")) {
            String[] args = command.equals("delete") || command.equals("peek") ? new String[] {"1"}
                    : command.equals("put") ? new String[] {"x"} : new String[0];
            assertEquals(3, sockqAt("127.0.0.1:" + closedPort, null, command, args), command);
            assertTrue(err.startsWith("sockq: cannot connect to 127.0.0.1:" + closedPort), err);
        }
        assertEquals(2, Main.run("delete", "not-a-number"));
        assertEquals(2, sockq("delete"), "an id is required");
        assertEquals(2, sockq("put", "--nope"));
        assertEquals(2, sockq("put", "--file", dir.resolve("missing").toString()), "an unreadable file");
        assertTrue(err.contains("cannot read"), err);
        assertEquals(2, sockq("put", "--file", dir.resolve("missing").toString(), "and a body"));
        assertEquals(2, sockqAt("127.0.0.1:notaport", null, "stats"));
        assertTrue(err.contains("--server must be HOST:PORT"), err);
    }

    @Test
    void serverAddressForms() {
        // a port alone means the local host; brackets carry an IPv6 address
        assertEquals(0, sockqAt(":" + server.port(), null, "stats"));
        assertEquals(0, sockqAt("localhost:" + server.port(), null, "stats"));
        assertEquals(2, sockqAt("127.0.0.1:70000", null, "stats"));
        assertEquals(2, sockqAt("[::1", null, "stats"));
    }

    @Test
    void helpOnEverySubcommand() {
        for (String command : List.of("put", "reserve", "delete", "kick", "peek", "stats", "tubes")) {
            StringWriter o = new StringWriter();
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(o, true));
            assertEquals(0, cl.execute(command, "--help"), command);
            assertTrue(o.toString().startsWith("Usage: sockq " + command), o.toString());
            assertTrue(o.toString().contains("--server=HOST:PORT"), o.toString());
            assertTrue(o.toString().contains("Exit codes: 0 ok, 1 not found"), o.toString());
        }
    }
}
