package dev.sockq.cli;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * `sockq bench --mode udp-put`: datagram puts with id tokens, as a careful sender makes them: a
 * window of datagrams in flight per sender, the whole window resent when a reply is missing
 * (safe only because the tokens make puts idempotent), until every datagram is acknowledged.
 */
final class DatagramBench {
    private static final int REPLY_TIMEOUT_MS = 200;

    private final InetSocketAddress server;
    private final int senders;
    private final int window;
    private final byte[] body;
    private final String tube;
    private final Long jobs;
    private final Double duration;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong retransmits = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean stop;

    DatagramBench(InetSocketAddress server, int senders, int window, byte[] body, String tube, Long jobs, Double duration) {
        this.server = server;
        this.senders = senders;
        this.window = window;
        this.body = body;
        this.tube = tube;
        this.jobs = jobs;
        this.duration = duration;
    }

    int run(PrintWriter out, PrintWriter err, boolean quiet) throws InterruptedException {
        String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        long perSender = jobs == null ? Long.MAX_VALUE : (jobs + senders - 1) / senders;
        List<Histogram> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = duration == null ? Long.MAX_VALUE : start + (long) (duration * 1e9);
        for (int s = 0; s < senders; s++) {
            Histogram h = new Histogram(3);
            latencies.add(h);
            long quota = jobs == null ? Long.MAX_VALUE : Math.min(perSender, Math.max(0, jobs - s * perSender));
            String prefix = "id b" + runId + "-" + s + "-";
            Thread t = new Thread(() -> send(prefix, quota, end, h), "udp-bench-" + s);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        Histogram all = new Histogram(3);
        latencies.forEach(all::add);
        double rate = done.get() / seconds;
        if (!quiet) {
            out.printf(Locale.ROOT, "====== sockq bench udp-put ======%n");
            out.printf(Locale.ROOT, "  server %s, tube %s, %d senders, window %d, %d-byte bodies%n",
                    server, tube, senders, window, body.length);
            out.printf(Locale.ROOT, "  %d jobs in %.3f s: %.0f datagram puts/s, %d retransmitted%n",
                    done.get(), seconds, rate, retransmits.get());
            out.printf(Locale.ROOT, "  latency send to reply (us): p50 %.1f  p99 %.1f  max %.1f%n",
                    all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3, all.getMaxValue() / 1e3);
            out.printf(Locale.ROOT, "  errors: %d%n", errors.get());
        }
        JsonObject result = new JsonObject().put("mode", "udp-put").put("connections", senders)
                .put("pipeline", window).put("size", body.length).put("jobs", done.get())
                .put("seconds", Math.round(seconds * 1000) / 1000.0).put("jobs_per_sec", Math.round(rate * 10) / 10.0)
                .put("p50_us", all.getValueAtPercentile(50) / 1000 / 1.0).put("p90_us", all.getValueAtPercentile(90) / 1000 / 1.0)
                .put("p99_us", all.getValueAtPercentile(99) / 1000 / 1.0).put("p999_us", all.getValueAtPercentile(99.9) / 1000 / 1.0)
                .put("max_us", all.getMaxValue() / 1000 / 1.0).put("errors", errors.get())
                .put("retransmits", retransmits.get());
        out.println("RESULT " + result.encode());
        out.flush();
        if (errors.get() > 0) {
            err.println("sockq bench: " + errors.get() + " unexpected replies");
            err.flush();
        }
        return errors.get() == 0 && done.get() > 0 ? 0 : 1;
    }

    private void send(String prefix, long quota, long end, Histogram latency) {
        String useLine = "\r\nuse " + tube + "\r\nput 0 0 60 " + body.length + "\r\n";
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(REPLY_TIMEOUT_MS);
            byte[] buf = new byte[256];
            long seq = 0;
            while (seq < quota && System.nanoTime() < end && !stop) {
                int n = (int) Math.min(window, quota - seq);
                List<byte[]> datagrams = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] head = (prefix + (seq + i) + useLine).getBytes(StandardCharsets.US_ASCII);
                    byte[] d = new byte[head.length + body.length + 2];
                    System.arraycopy(head, 0, d, 0, head.length);
                    System.arraycopy(body, 0, d, head.length, body.length);
                    d[d.length - 2] = '\r';
                    d[d.length - 1] = '\n';
                    datagrams.add(d);
                }
                Set<Long> ids = new HashSet<>();
                long progress = System.nanoTime();
                for (int attempt = 0; ids.size() < n; attempt++) {
                    long sent = System.nanoTime();
                    for (byte[] d : datagrams) {
                        socket.send(new DatagramPacket(d, d.length, server));
                    }
                    if (attempt > 0) {
                        retransmits.addAndGet(n);
                    }
                    try {
                        while (ids.size() < n) {
                            DatagramPacket p = new DatagramPacket(buf, buf.length);
                            socket.receive(p);
                            String r = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                            if (!r.startsWith("INSERTED ") || !r.endsWith("\r\n")) {
                                errors.incrementAndGet();
                                continue;
                            }
                            if (ids.add(Long.parseLong(r.substring(9, r.length() - 2)))) {
                                progress = System.nanoTime();
                                latency.recordValue(Math.max(1, progress - sent));
                            }
                        }
                    } catch (SocketTimeoutException lost) {
                        // some datagram or reply was lost: resend the window (duplicates insert nothing)
                    }
                    if (System.nanoTime() - progress > 5_000_000_000L) {
                        errors.incrementAndGet(); // the server stopped answering
                        return;
                    }
                }
                done.addAndGet(n);
                seq += n;
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        }
    }
}
