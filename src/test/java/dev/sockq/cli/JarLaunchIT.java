package dev.sockq.cli;

import dev.sockq.support.RawClient;
import dev.sockq.support.SockqProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** `java -jar target/sockq.jar` as users run it: options, config layering, exit codes, clean stop. */
class JarLaunchIT {
    private static final Pattern LISTENING = Pattern.compile("sockq listening tcp=([^ ]+):(\\d+) udp=(\\S+)");
    private static final Pattern OPS = Pattern.compile("sockq ops http=[^ ]+:(\\d+)");
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void kill() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void startsOnDefaultsLayeredWithFileEnvAndCli() throws Exception {
        Files.writeString(dir.resolve("sockq.json"), "{\"maxJobSize\": 70, \"port\": 0}");
        // file only
        assertEquals("70", maxJobSize(launch(Map.of(), "--config", dir.resolve("sockq.json").toString(), "--in-memory")));
        // environment beats the file
        assertEquals("80", maxJobSize(launch(Map.of("SOCKQ_MAX_JOB_SIZE", "80"),
                "--config", dir.resolve("sockq.json").toString(), "--in-memory")));
        // the command line beats both (beanstalkd's -z)
        assertEquals("90", maxJobSize(launch(Map.of("SOCKQ_MAX_JOB_SIZE", "80"),
                "--config", dir.resolve("sockq.json").toString(), "-z", "90", "--in-memory")));
        // environment alone sets the port
        Launched l = launch(Map.of("SOCKQ_PORT", "0"), "--in-memory");
        assertTrue(l.port > 0);
        assertEquals("127.0.0.1", l.host);
    }

    @Test
    void readyAnswers503WhileTheJournalReplaysThen200AndTheHealthCommandSaysSo() throws Exception {
        Launched first = launch(Map.of(), "-p", "0", "--fsync", "never", "-b", dir.resolve("big").toString());
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "sockq.jar").toAbsolutePath().toString(), "bench", "--server", "127.0.0.1:" + first.port,
                "--quiet", "--mode", "put", "-c", "20", "-d", "16", "-n", "300000").start();
        assertTrue(bench.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, bench.exitValue());
        first.process.destroyForcibly().waitFor();

        // restart: the ops port opens first and says 503 until the 300,000 jobs are replayed. Replay
        // takes a few hundred milliseconds, so /ready is asked in a tight loop from the launch on, on a
        // port chosen here (waiting for the log line and a cold HTTP client could miss the window).
        int httpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpPort = free.getLocalPort();
        }
        Process p = start(Map.of(), "-p", "0", "--http-port", String.valueOf(httpPort), "--fsync", "never",
                "-b", dir.resolve("big").toString());
        BlockingQueue<String> log = SockqProcess.follow(p);
        java.util.Set<Integer> seen = new java.util.LinkedHashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!seen.contains(200) && System.nanoTime() < deadline && p.isAlive()) {
            int status;
            try {
                status = readyStatus(httpPort);
            } catch (java.net.SocketTimeoutException noAnswer) {
                Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                        String.valueOf(p.pid())).redirectErrorStream(true).start();
                String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new AssertionError("/ready did not answer in 10 s; server log: " + log + "\nthreads:\n" + threads,
                        noAnswer);
            }
            if (status > 0) {
                seen.add(status);
            }
            Thread.sleep(2); // a poll, not a flood: the server is replaying on the same two cores
        }
        assertTrue(seen.contains(503), "not ready while replaying: " + seen);
        assertTrue(seen.contains(200), "ready after replay: " + seen);
        // the image's health check: the jar's own `health` command
        Process health = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "sockq.jar").toAbsolutePath().toString(), "health", "--http",
                "127.0.0.1:" + httpPort).start();
        assertTrue(health.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, health.exitValue());
    }

    /** GET /ready over a plain socket: the status code, or -1 while nothing listens yet. */
    private static int readyStatus(int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /ready HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII); // HTTP/1.x NNN
            return Integer.parseInt(status.substring(9, 12));
        } catch (java.net.ConnectException notYet) {
            return -1;
        }
    }

    @Test
    void listensOnAUnixDomainSocketLikeBeanstalkd() throws Exception {
        Path socketPath = dir.resolve("sockq.sock");
        // a socket file left behind by a killed server must not stop the next one
        Process killed = start(Map.of(), "-l", "unix:" + socketPath, "--in-memory");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socketPath) && System.nanoTime() < until) {
            Thread.sleep(10); // waiting for another process to create a file: nothing to poll but the file
        }
        killed.destroyForcibly().waitFor();
        assertTrue(Files.exists(socketPath), "stale socket file left");
        Process p = start(Map.of(), "-l", "unix:" + socketPath, "--in-memory");
        BlockingQueue<String> lines = SockqProcess.follow(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String listening = null;
        while (listening == null && System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains("sockq listening")) {
                listening = line;
            }
        }
        assertTrue(listening != null && listening.contains("tcp=unix:" + socketPath + " udp=disabled"), listening);
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socketPath))) {
            ch.write(java.nio.ByteBuffer.wrap("put 0 0 60 2\r\nhi\r\nreserve\r\n".getBytes(StandardCharsets.US_ASCII)));
            String expected = "INSERTED 1\r\nRESERVED 1 2\r\nhi\r\n";
            java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(expected.length());
            while (in.hasRemaining() && ch.read(in) >= 0) {
                // until the whole expected reply is in
            }
            assertEquals(expected, new String(in.array(), StandardCharsets.US_ASCII));
        }
        p.destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    @Test
    void sigtermStopsCleanlyWithExitZero() throws Exception {
        Launched l = launch(Map.of(), "-p", "0", "--in-memory");
        try (RawClient c = new RawClient(l.port)) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 1 1\r\nx\r\n"));
        }
        l.process.destroy(); // SIGTERM
        assertTrue(l.process.waitFor(20, TimeUnit.SECONDS), "did not stop");
        assertEquals(0, l.process.exitValue());
    }

    @Test
    void transportIoUringServesThroughIoUringRings() throws Exception {
        Launched l = launch(Map.of(), "-p", "0", "--in-memory", "--transport", "io_uring");
        try (RawClient c = new RawClient(l.port)) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
            assertEquals("RESERVED 1 1\r\nx\r\n", c.call("reserve\r\n"));
        }
        if (io.vertx.core.transport.Transport.IO_URING.available()) { // else sockq says so and uses epoll
            long rings;
            try (var fds = Files.list(Path.of("/proc", String.valueOf(l.process.pid()), "fd"))) {
                rings = fds.filter(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).toString().contains("io_uring");
                    } catch (IOException gone) {
                        return false;
                    }
                }).count();
            }
            assertTrue(rings > 0, "no io_uring instance among the process's files");
        }
        l.process.destroy();
        assertTrue(l.process.waitFor(20, TimeUnit.SECONDS), "did not stop");
        assertEquals(0, l.process.exitValue());
    }

    @Test
    void sigusr1EntersDrainMode() throws Exception {
        Launched l = launch(Map.of(), "-p", "0", "--in-memory");
        try (RawClient c = new RawClient(l.port)) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 1 1\r\nx\r\n"));
            new ProcessBuilder("kill", "-USR1", String.valueOf(l.process.pid())).start().waitFor();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String r;
            do {
                r = c.call("put 0 0 1 1\r\nx\r\n");
            } while (!r.equals("DRAINING\r\n") && System.nanoTime() < deadline);
            assertEquals("DRAINING\r\n", r);
            assertTrue(c.call("stats\r\n").contains("\ndraining: true\n"));
            assertEquals("RESERVED 1 1\r\nx\r\n", c.call("reserve\r\n"), "workers are still served");
        }
    }

    @Test
    void badOptionsGiveOneLineAndExitTwo() throws Exception {
        for (String[] args : new String[][] {{"--bogus"}, {"-p", "notaport"}, {"-p", "70000"}, {"--fsync", "sometimes"}}) {
            Process p = start(Map.of(), args);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(2, p.exitValue(), String.join(" ", args) + ": " + err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("sockq: "), err);
        }
    }

    @Test
    void versionAndHelp() throws Exception {
        Process v = start(Map.of(), "-v");
        assertTrue(v.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, v.exitValue());
        assertTrue(new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).startsWith("sockq "));
        Process h = start(Map.of(), "-h");
        assertTrue(h.waitFor(20, TimeUnit.SECONDS));
        String help = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.contains("--max-job-size") && help.contains("-l, --host"), help);
    }

    private record Launched(Process process, String host, int port, int httpPort) {
    }

    @Test
    void opsEndpointsServeHealthReadinessAndMetricsWithJvmMeters() throws Exception {
        Launched l = launch(Map.of(), "-p", "0", "-b", dir.resolve("data").toString());
        try (RawClient c = new RawClient(l.port)) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + l.httpPort + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(200, get.apply("/health").statusCode());
        assertEquals(200, get.apply("/ready").statusCode());
        String metrics = get.apply("/metrics").body();
        assertTrue(metrics.contains("\nsockq_commands_total{command=\"put\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nsockq_command_duration_seconds_count{command=\"put\"} 1"), "latency histogram");
        assertTrue(metrics.contains("\nsockq_journal_fsync_duration_seconds_count "), "fsync histogram");
        assertTrue(metrics.contains("\njvm_memory_used_bytes"), "JVM meters through vertx-micrometer-metrics");
    }

    private static String maxJobSize(Launched l) throws IOException {
        try (RawClient c = new RawClient(l.port)) {
            Matcher m = Pattern.compile("\nmax-job-size: (\\d+)\n").matcher(c.call("stats\r\n"));
            assertTrue(m.find());
            return m.group(1);
        } finally {
            l.process.destroyForcibly();
        }
    }

    private Launched launch(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        BlockingQueue<String> lines = SockqProcess.follow(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int httpPort = -1;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher ops = OPS.matcher(line);
                if (ops.find()) {
                    httpPort = Integer.parseInt(ops.group(1));
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new Launched(p, m.group(1), Integer.parseInt(m.group(2)), httpPort);
                }
            } else if (!p.isAlive()) {
                fail("sockq exited with " + p.exitValue() + " before listening: " + lines);
            }
        }
        fail("sockq did not log its listening line: " + lines);
        return null;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "sockq.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        if (!cmd.contains("--http-port")) {
            cmd.addAll(List.of("--http-port", "0")); // several servers in one run: no fixed port
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKQ_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }
}
