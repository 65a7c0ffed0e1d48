package dev.sockq.soak;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mixed load against a real server over loopback for {@code -Dsockq.soak.seconds} (15 by
 * default; {@code mvn -Psoak test} runs it for minutes): producers and workers on churning
 * connections, workers that vanish holding reserved jobs, and vandals that hang up in the
 * middle of a command. Afterwards every job put was deleted exactly once, nothing else was
 * created, and heap and file descriptors are back near where they started.
 */
class SoakTest {
    private static final long SECONDS = Long.getLong("sockq.soak.seconds", 15);
    private static final List<String> TUBES = List.of("soak-a", "soak-b", "soak-c");
    private static final int PRODUCERS = 3;
    private static final int WORKERS = 3;
    private static final int VANDALS = 1;

    /** Puts per second per producer: a steady soak, not a benchmark (and bounded bookkeeping). */
    private static final long PUTS_PER_SECOND = 700;

    /** id -> hash of the body of every job a producer saw INSERTED. */
    private final Map<Long, Integer> inserted = new ConcurrentHashMap<>();
    /** id -> hash of the body a worker received, for the jobs it deleted. */
    private final Map<Long, Integer> deleted = new ConcurrentHashMap<>();
    private final Set<Long> deletedTwice = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong halfWritten = new AtomicLong();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean consuming = new AtomicBoolean(true);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the default 2 minutes is too short for -Psoak
    void mixedLoadWithChurnLosesNothingAndLeaksNothing() throws Exception {
        try (TestServer server = TestServer.start()) {
            int port = server.port();
            // warm up the server, the JIT and the client code paths before taking the baseline
            runLoad(port, 2_000);
            assertEquals(inserted.keySet(), deleted.keySet(), "warm-up: every job deleted");
            long warmUpJobs = inserted.size();
            connections.set(0);
            abandoned.set(0);
            halfWritten.set(0);
            long heapBefore = settledHeap();
            long fdsBefore = openFds();

            long start = System.nanoTime();
            runLoad(port, SECONDS * 1000);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            assertTrue(failures.isEmpty(), () -> "client errors: " + failures.stream().limit(5).toList());
            assertTrue(deletedTwice.isEmpty(), () -> "deleted twice: " + deletedTwice);
            assertEquals(inserted.keySet(), deleted.keySet(), "jobs put vs jobs deleted");
            for (Map.Entry<Long, Integer> e : deleted.entrySet()) {
                assertEquals(inserted.get(e.getKey()), e.getValue(), "body of job " + e.getKey());
            }
            try (RawClient c = new RawClient(port)) {
                // nothing left, and no job came from a half-written put
                assertTrue(waitFor(() -> stat(c, "current-connections").equals("1")), "connections closed");
                for (String key : List.of("current-jobs-ready", "current-jobs-reserved", "current-jobs-delayed",
                        "current-jobs-buried", "current-waiting")) {
                    assertEquals("0", stat(c, key), key);
                }
                assertEquals(String.valueOf(inserted.size()), stat(c, "total-jobs"), "total-jobs");
            }
            assertTrue(waitFor(() -> openFds() <= fdsBefore + 2), "file descriptors back to " + fdsBefore + ", now " + openFds());
            long jobs = inserted.size() - warmUpJobs;
            inserted.clear(); // the test's own bookkeeping is not the server's heap
            deleted.clear();
            long heapAfter = settledHeap();
            long fdsAfter = openFds();
            System.out.printf("SOAK seconds=%d jobs=%d connections=%d abandoned-reservations=%d half-written=%d"
                            + " heap-before=%dMiB heap-after=%dMiB fds-before=%d fds-after=%d%n",
                    seconds, jobs, connections.get(), abandoned.get(), halfWritten.get(),
                    heapBefore >> 20, heapAfter >> 20, fdsBefore, fdsAfter);
            // slack for JIT, class and buffer-pool growth; a leak of even 100 bytes per job would exceed it
            assertTrue(heapAfter <= heapBefore + Math.max(48L << 20, heapBefore / 2),
                    "heap " + (heapBefore >> 20) + " MiB before, " + (heapAfter >> 20) + " MiB after");
        }
    }

    /** Producers, workers and vandals for {@code millis}, then workers alone until every job is gone. */
    private void runLoad(int port, long millis) throws InterruptedException, IOException {
        producing.set(true);
        consuming.set(true);
        List<Thread> threads = new ArrayList<>();
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
            int p = i;
            producers.add(start(() -> produce(port, p)));
        }
        for (int i = 0; i < WORKERS; i++) {
            threads.add(start(() -> work(port)));
        }
        for (int i = 0; i < VANDALS; i++) {
            producers.add(start(() -> vandalize(port)));
        }
        Thread.sleep(millis);
        producing.set(false);
        for (Thread t : producers) {
            t.join();
        }
        // drain: kick what was buried, let the workers take the rest
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (deleted.size() < inserted.size() && System.nanoTime() < deadline && failures.isEmpty()) {
            kickAll(port);
            Thread.sleep(100);
        }
        consuming.set(false);
        for (Thread t : threads) {
            t.join();
        }
    }

    private Thread start(Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        t.start();
        return t;
    }

    private interface Io {
        void run() throws IOException;
    }

    private static Runnable io(Io body) {
        return () -> {
            try {
                body.run();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        };
    }

    private void produce(int port, int producer) {
        io(() -> {
            long seq = 0;
            long started = System.nanoTime();
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (producing.get()) {
                RawClient c = connect(port);
                expect(c.call("use " + TUBES.get(r.nextInt(TUBES.size())) + "\r\n"), "USING ");
                int n = 1 + r.nextInt(50);
                for (int i = 0; i < n && producing.get(); i++) {
                    String body = "p" + producer + "-" + (seq++) + "-" + "x".repeat(r.nextInt(200));
                    String reply = c.call("put " + r.nextInt(2000) + " 0 60 " + body.length() + "\r\n" + body + "\r\n");
                    expect(reply, "INSERTED ");
                    inserted.put(Long.parseLong(reply.substring(9).trim()), body.hashCode());
                    long ahead = started + seq * 1_000_000_000L / PUTS_PER_SECOND - System.nanoTime();
                    if (ahead > 0) {
                        sleepQuietly(ahead / 1_000_000);
                    }
                }
                hangUp(c, r.nextBoolean());
            }
        }).run();
    }

    private void work(int port) {
        io(() -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (consuming.get()) {
                RawClient c = connect(port);
                for (String t : TUBES) {
                    expect(c.call("watch " + t + "\r\n"), "WATCHING ");
                }
                int n = 1 + r.nextInt(100);
                boolean open = true;
                for (int i = 0; i < n && consuming.get() && open; i++) {
                    String reply = c.call("reserve-with-timeout 1\r\n");
                    if (reply.startsWith("TIMED_OUT")) {
                        continue;
                    }
                    expect(reply, "RESERVED ");
                    String[] head = reply.substring(0, reply.indexOf("\r\n")).split(" ");
                    long id = Long.parseLong(head[1]);
                    String body = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
                    int roll = r.nextInt(100);
                    if (roll < 4) {
                        abandoned.incrementAndGet(); // vanish holding the job: it must come back
                        open = false;
                    } else if (roll < 8) {
                        expect(c.call("release " + id + " " + r.nextInt(2000) + " 0\r\n"), "RELEASED");
                    } else if (roll < 10) {
                        expect(c.call("bury " + id + " 0\r\n"), "BURIED");
                    } else {
                        expect(c.call("delete " + id + "\r\n"), "DELETED");
                        if (deleted.putIfAbsent(id, body.hashCode()) != null) {
                            deletedTwice.add(id);
                        }
                    }
                }
                hangUp(c, !open || r.nextBoolean());
            }
        }).run();
    }

    /** Connections that break off in the middle of a command, or send garbage, then vanish. */
    private void vandalize(int port) {
        io(() -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            List<String> halves = List.of("put 0 0 60 100\r\nonly part of the body", "put 0 0 60 5\r\nhel",
                    "put 0 0 60", "reserve-with-ti", "use soak-a\r\nput 1 0 60 10\r\n0123456789\r", "reserve\r\n",
                    "watch soak-b\r\nreserve\r\n", "x".repeat(500), "put 0 0 60 70000\r\n" + "y".repeat(1000));
            while (producing.get()) {
                RawClient c = connect(port);
                c.send(halves.get(r.nextInt(halves.size())));
                halfWritten.incrementAndGet();
                if (r.nextBoolean()) {
                    sleepQuietly(r.nextInt(20));
                }
                hangUp(c, true);
                sleepQuietly(5);
            }
        }).run();
    }

    private void kickAll(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            for (String t : TUBES) {
                c.call("use " + t + "\r\n");
                expect(c.call("kick 1000000\r\n"), "KICKED ");
            }
        }
    }

    private RawClient connect(int port) throws IOException {
        connections.incrementAndGet();
        return new RawClient(port);
    }

    /** Closes the connection: abruptly (RST, nothing flushed) or politely. */
    private static void hangUp(RawClient c, boolean abrupt) throws IOException {
        if (abrupt) {
            c.socket().setSoLinger(true, 0);
        }
        c.close();
    }

    private static void expect(String reply, String prefix) {
        if (!reply.startsWith(prefix)) {
            throw new AssertionError("expected " + prefix.trim() + ", got " + reply.trim());
        }
    }

    private static String stat(RawClient c, String key) {
        try {
            String reply = c.call("stats\r\n");
            for (String line : reply.split("\n")) {
                if (line.startsWith(key + ": ")) {
                    return line.substring(key.length() + 2).trim();
                }
            }
            return fail("no " + key + " in stats");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
