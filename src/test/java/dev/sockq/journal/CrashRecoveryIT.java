package dev.sockq.journal;

import dev.sockq.support.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `kill -9` of a daemon started from the jar while clients put and delete, then a restart on
 * the same folder: every acknowledged put is there with its body, every acknowledged delete
 * stays deleted (fsync always, the default).
 */
class CrashRecoveryIT {
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void kill() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void acknowledgedWorkSurvivesRepeatedKillNine() throws Exception {
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        Set<Long> deleted = ConcurrentHashMap.newKeySet();
        Set<Long> deleteSent = ConcurrentHashMap.newKeySet();
        int port = launch();
        for (int round = 1; round <= 3; round++) {
            loadThenKill(port, acknowledged, deleted, deleteSent, false);
            port = launch(); // recovers what the killed daemon acknowledged
            try (RawClient c = new RawClient(port)) {
                for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
                    long id = e.getKey();
                    String r = c.call("peek " + id + "\r\n");
                    if (deleted.contains(id)) {
                        assertEquals("NOT_FOUND\r\n", r, "round " + round + ": acknowledged delete of " + id + " came back");
                    } else if (deleteSent.contains(id) && r.equals("NOT_FOUND\r\n")) {
                        deleted.add(id); // deleted, but the kill came before the client heard DELETED
                    } else {
                        assertEquals("FOUND " + id + " " + e.getValue().length() + "\r\n" + e.getValue() + "\r\n", r,
                                "round " + round + ": acknowledged put " + id);
                    }
                }
            }
            System.out.println("crash round " + round + ": " + acknowledged.size() + " acknowledged puts checked, "
                    + deleted.size() + " deleted");
        }
    }

    @Test
    void sigtermUnderLoadExitsZeroAndLosesNothingAcknowledged() throws Exception {
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        Set<Long> deleted = ConcurrentHashMap.newKeySet();
        Set<Long> deleteSent = ConcurrentHashMap.newKeySet();
        loadThenKill(launch(), acknowledged, deleted, deleteSent, true);
        try (RawClient c = new RawClient(launch())) {
            for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
                String r = c.call("peek " + e.getKey() + "\r\n");
                if (deleted.contains(e.getKey())) {
                    assertEquals("NOT_FOUND\r\n", r, "acknowledged delete of " + e.getKey() + " came back");
                } else if (deleteSent.contains(e.getKey()) && r.equals("NOT_FOUND\r\n")) {
                    continue; // deleted while stopping, before the client heard DELETED
                } else {
                    assertEquals("FOUND " + e.getKey() + " " + e.getValue().length() + "\r\n" + e.getValue() + "\r\n", r);
                }
            }
        }
    }

    private void loadThenKill(int port, Map<Long, String> acknowledged, Set<Long> deleted, Set<Long> deleteSent,
                              boolean sigterm) throws Exception {
        int before = acknowledged.size();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            Thread client = new Thread(() -> {
                try (RawClient c = new RawClient(port)) {
                    for (int i = 0; !stop.get(); i++) {
                        String body = "t" + thread + "-" + i + "-" + "x".repeat(i % 300);
                        String r = c.call("put 0 0 60 " + body.length() + "\r\n" + body + "\r\n");
                        long id = Long.parseLong(r.trim().substring("INSERTED ".length()));
                        acknowledged.put(id, body);
                        if (i % 3 == 0) {
                            deleteSent.add(id); // from here until DELETED arrives, either outcome is right
                            if (c.call("delete " + id + "\r\n").equals("DELETED\r\n")) {
                                deleted.add(id);
                            }
                        }
                    }
                } catch (IOException | RuntimeException crashed) {
                    // the server was killed under us
                }
            });
            client.start();
            clients.add(client);
        }
        // at least 1.5 s of load and 300 more acknowledged puts (a cold JVM on a slow disk needs longer)
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)
                && (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500) || acknowledged.size() - before < 300)) {
            Thread.sleep(10); // waiting for the load to build up: nothing to poll for
        }
        if (sigterm) {
            processes.get(0).destroy(); // SIGTERM, mid-load: a clean stop
            assertTrue(processes.get(0).waitFor(30, TimeUnit.SECONDS), "stopped");
            assertEquals(0, processes.get(0).exitValue());
        } else {
            processes.get(0).destroyForcibly(); // SIGKILL, mid-load
            processes.get(0).waitFor(10, TimeUnit.SECONDS);
        }
        stop.set(true);
        for (Thread c : clients) {
            c.join(10_000);
        }
        assertTrue(acknowledged.size() - before >= 300, "load ran: " + (acknowledged.size() - before) + " puts acknowledged");
    }

    private int launch() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "sockq.jar").toAbsolutePath().toString(),
                "-p", "0", "--udp-port", "-1", "--http-port", "-1", "-b", dir.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKQ_"));
        Process p = pb.start();
        processes.add(0, p);
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("sockq listening tcp=[^ ]+:(\\d+)");
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (err.readLine() != null) {
                            // keep the pipe from filling
                        }
                    } catch (IOException ignored) {
                        // process gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        fail("sockq did not start: " + seen);
        return -1;
    }
}
