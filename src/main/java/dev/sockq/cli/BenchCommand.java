package dev.sockq.cli;

import dev.sockq.client.Reply;
import dev.sockq.client.ReplyParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** `sockq bench`: a redis-benchmark-style load generator for any beanstalkd-protocol server. */
@Command(name = "bench", sortOptions = false,
        description = {"Load-test a beanstalkd-protocol server and report jobs/s and per-command latency.",
            "put: every connection puts. cycle: every connection puts, reserves and deletes.",
            "prodcons: half the connections put, the other half reserve and delete, on one tube",
            "  (a consumer keeps one reserve in flight; with -d > 1 it sends each delete with the next reserve).",
            "Latency is per command, request to reply (a reserve's includes waiting for a job).",
            "Every reply is checked; a wrong one counts as an error. Exit 0 = no errors, 1 = errors, "
                + "3 = cannot connect.",
            "udp-put: datagram puts with id tokens to the UDP port in --server (sockq only); -c senders,",
            "  -d datagrams in flight per sender, a window resent whole when a reply is missing.",
            "The last stdout line is `RESULT {json}`."})
public final class BenchCommand implements Callable<Integer> {
    static final int EXIT_CANNOT_CONNECT = 3;
    private static final int TTR_SEC = 60;
    // a server that answers nothing for this long is stuck (or a prodcons tube was drained by someone else)
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    enum Mode { PUT, CYCLE, PRODCONS, UDP_PUT }

    enum Role { PRODUCER, CONSUMER, CYCLER }

    // what an in-flight command was, so its reply can be checked
    private static final byte USE = 0, WATCH = 1, IGNORE = 2, PUT = 3, RESERVE = 4, DELETE = 5;

    @Option(names = "--server", defaultValue = "127.0.0.1:11300", paramLabel = "HOST:PORT",
            description = "server to load (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--mode", defaultValue = "put", paramLabel = "put|cycle|prodcons|udp-put", converter = ModeConverter.class,
            description = "workload (default: ${DEFAULT-VALUE})")
    Mode mode;

    @Option(names = {"-c", "--connections"}, defaultValue = "50", description = "connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = {"-d", "--pipeline"}, defaultValue = "1",
            description = "commands in flight per connection (default: ${DEFAULT-VALUE})")
    int pipeline;

    @Option(names = "--size", defaultValue = "100", paramLabel = "BYTES", description = "job body size (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = {"-n", "--jobs"}, description = "total jobs (default 100000 unless --duration)")
    Long jobs;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "run for this long instead of -n")
    Double duration;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "SECONDS",
            description = "run the load unmeasured for this long first, on the same connections, so the client's "
                    + "and the server's JIT and buffers are warm and the measured part starts at full pipeline (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "also report that local process's CPU time per job over the measured part, and the kernel's (system) share of it (from /proc/PID/stat, Linux)")
    Long serverPid;

    @Option(names = "--tube", description = "tube to use (default: a fresh bench-<random> per run)")
    String tube;

    @Option(names = "--tubes", defaultValue = "1", paramLabel = "N",
            description = "spread the connections over N tubes <tube>-0 .. <tube>-(N-1), e.g. to load several daemon shards (default: ${DEFAULT-VALUE})")
    int tubes;

    @Option(names = "--threads", defaultValue = "2", description = "client event-loop threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = {"-q", "--quiet"}, description = "no progress line and no summary; just the RESULT line")
    boolean quiet;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    @Override
    public Integer call() {
        validate();
        int colon = server.lastIndexOf(':');
        String host = server.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(server.substring(colon + 1));
        String tubeName = tube != null ? tube : "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        if (mode == Mode.UDP_PUT) {
            try {
                return new DatagramBench(new java.net.InetSocketAddress(host, port), connections, pipeline, body, tubeName,
                        jobs, duration).run(spec.commandLine().getOut(), spec.commandLine().getErr(), quiet);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(threads)
                .setPreferNativeTransport(true)).build();
        try {
            return new Run(vertx, host, port, tubeName, body).execute();
        } finally {
            try {
                // the run is over and reported: a close that hangs (seen once in a test run, on the
                // client's own Vert.x, cause unknown) must not hold the command, or a script, up
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                spec.commandLine().getErr().println("sockq bench: the client's Vert.x did not close within 10 s");
            }
        }
    }

    private void validate() {
        String problem = connections < 1 ? "--connections must be at least 1"
                : mode == Mode.PRODCONS && connections < 2 ? "prodcons needs at least 2 connections"
                : pipeline < 1 ? "--pipeline must be at least 1"
                : size < 0 ? "--size must not be negative"
                : threads < 1 ? "--threads must be at least 1"
                : tubes < 1 ? "--tubes must be at least 1"
                : mode == Mode.PRODCONS && tubes > connections / 2 ? "prodcons needs a producer and a consumer per tube"
                : jobs != null && duration != null ? "give -n or --duration, not both"
                : jobs != null && jobs < 1 ? "-n must be at least 1"
                : duration != null && !(duration > 0) ? "--duration must be positive"
                : !(warmup >= 0) ? "--warmup must not be negative"
                : mode == Mode.UDP_PUT && (warmup > 0 || serverPid != null) ? "--warmup and --server-pid are for the TCP modes"
                : serverPid != null && !Files.isReadable(Path.of("/proc", serverPid.toString(), "stat"))
                        ? "--server-pid: no /proc/" + serverPid + "/stat here"
                : !server.matches(".+:\\d{1,5}") || Integer.parseInt(server.substring(server.lastIndexOf(':') + 1))
                        > 65535 ? "--server must be HOST:PORT" : null;
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }

    /** One benchmark run: the connections, the shared counters, and the main thread's waiting and reporting. */
    private final class Run {
        final Vertx vertx;
        final String host;
        final int port;
        final String tubeName;
        final byte[] body;
        final List<Conn> conns = new ArrayList<>();
        final AtomicLong tickets = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicLong inserted = new AtomicLong();
        final AtomicLong consumed = new AtomicLong();
        final AtomicInteger workersLeft = new AtomicInteger();
        final LongAdder replies = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        final AtomicBoolean ending = new AtomicBoolean();
        volatile boolean stopping;
        volatile long endNanos;
        /**
         * Start of the measured part: jobs finished from here on count, and latencies of commands sent from here
         * on are recorded. Long.MAX_VALUE while warming up.
         */
        volatile long measureFrom = Long.MAX_VALUE;

        Run(Vertx vertx, String host, int port, String tubeName, byte[] body) {
            this.vertx = vertx;
            this.host = host;
            this.port = port;
            this.tubeName = tubeName;
            this.body = body;
        }

        int execute() {
            int producers = mode == Mode.PRODCONS ? connections / 2 : connections;
            for (int i = 0; i < connections; i++) {
                // prodcons: producer i and consumer i share tube i % tubes, so every tube has both
                int slot = i < producers ? i : i - producers;
                conns.add(new Conn(this, mode == Mode.CYCLE ? Role.CYCLER
                        : i < producers ? Role.PRODUCER : Role.CONSUMER,
                        tubes == 1 ? tubeName : tubeName + "-" + slot % tubes));
            }
            workersLeft.set(mode == Mode.PRODCONS ? producers : connections);
            long measuredTickets = duration != null ? Long.MAX_VALUE : jobs != null ? jobs : 100_000;
            tickets.set(warmup > 0 ? Long.MAX_VALUE : measuredTickets);
            PrintWriter err = spec.commandLine().getErr();
            try {
                int loops = Math.min(threads, connections);
                List<Future<String>> deployed = new ArrayList<>();
                for (int t = 0; t < loops; t++) {
                    List<Conn> mine = new ArrayList<>();
                    for (int i = t; i < connections; i += loops) {
                        mine.add(conns.get(i));
                    }
                    deployed.add(vertx.deployVerticle(new Loop(this, mine)));
                }
                // join, not all: returning (and closing Vert.x) while a verticle still starts races its start
                Future.join(deployed).await();
            } catch (Exception e) {
                boolean connect = e instanceof CannotConnect;
                err.println("sockq bench: " + (connect ? "cannot connect to " + host + ":" + port + ": " : "")
                        + (connect ? e.getCause() : e).getMessage());
                err.flush();
                return connect ? EXIT_CANNOT_CONNECT : 1;
            }
            if (warmup <= 0) {
                measureFrom = System.nanoTime();
            }
            conns.forEach(c -> c.ctx.runOnContext(v -> c.start()));
            boolean warm = warmup <= 0 || warmUp(err); // false: the run failed while warming up
            if (warmup > 0) {
                // from now on exactly the measured tickets are handed out, to pipelines already full
                tickets.set(measuredTickets);
                measureFrom = System.nanoTime();
            }
            long start = measureFrom;
            long[] cpuBefore = serverCpuTicks();
            if (warm) {
                waitAndShowProgress(start, err);
            }
            long end = warm ? endNanos : start;
            long[] cpuAfter = serverCpuTicks();
            Future.all(conns.stream().map(c -> c.sock.close()).toList()).await();
            report(start, end, cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1]);
            return errorCount() == 0 ? 0 : 1;
        }

        /** Runs the load unmeasured for --warmup seconds; false if the run ended meanwhile (an error). */
        private boolean warmUp(PrintWriter err) {
            if (!quiet) {
                err.printf(Locale.ROOT, "%s: warming up for %.1f s%n", mode.name().toLowerCase(Locale.ROOT), warmup);
                err.flush();
            }
            try {
                finished.get((long) (warmup * 1e9), TimeUnit.NANOSECONDS);
                return false;
            } catch (TimeoutException e) {
                return true;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** A job finished: counted if the measured part has begun (measureFrom is set when it begins). */
        void jobDone() {
            if (measureFrom != Long.MAX_VALUE) {
                done.incrementAndGet();
            }
        }

        private void waitAndShowProgress(long start, PrintWriter err) {
            long deadline = duration == null ? Long.MAX_VALUE : start + (long) (duration * 1e9);
            long lastReplies = -1;
            long lastChange = start;
            long lastDone = 0;
            long lastTick = start;
            String eol = System.console() != null ? "\r" : "\n";
            while (!finished.isDone()) {
                long now = System.nanoTime();
                long wait = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(1, deadline - now));
                try {
                    finished.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // a tick: fall through to the progress line
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                now = System.nanoTime();
                if (now >= deadline) {
                    stopping = true;
                    deadline = Long.MAX_VALUE;
                    // with no tickets left everyone drains; in prodcons the consumers must catch up first
                    checkProdconsDone();
                }
                long r = replies.sum();
                if (r != lastReplies) {
                    lastReplies = r;
                    lastChange = now;
                } else if (now - lastChange > STALL_NANOS) {
                    abort("no reply from the server for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s");
                }
                if (!quiet && !finished.isDone() && now - lastTick >= TimeUnit.MILLISECONDS.toNanos(950)) {
                    long d = done.get();
                    err.printf(Locale.ROOT, "%s: %d jobs, %.0f jobs/s, %d errors, %.0f s%s", mode.name().toLowerCase(
                            Locale.ROOT), d, (d - lastDone) / ((now - lastTick) / 1e9), errorCount(),
                            (now - start) / 1e9, eol);
                    err.flush();
                    lastDone = d;
                    lastTick = now;
                }
            }
            if (!quiet && eol.equals("\r")) {
                err.print("\r" + " ".repeat(70) + "\r");
                err.flush();
            }
        }

        /** User and system CPU ticks of --server-pid (USER_HZ, 100 per second on Linux), or zeros without it. */
        private long[] serverCpuTicks() {
            if (serverPid == null) {
                return new long[2];
            }
            try {
                String stat = Files.readString(Path.of("/proc", serverPid.toString(), "stat"));
                // the command name in field 2 may hold spaces: count fields after its closing parenthesis
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime: fields 14 and 15
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the CPU time of --server-pid " + serverPid + ": " + e, e);
            }
        }

        private void report(long start, long end, long userTicks, long sysTicks) {
            Histogram all = new Histogram(3);
            conns.forEach(c -> all.add(c.latency));
            long jobsDone = done.get();
            double seconds = Math.max(1e-9, (end - start) / 1e9);
            double rate = jobsDone / seconds;
            long errs = errorCount();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (errs > 0) {
                err.println("sockq bench: " + errs + " errors:");
                errors.forEach((kind, n) -> err.println("  " + n.sum() + " x " + kind));
                err.flush();
            }
            if (!quiet) {
                out.printf(Locale.ROOT, "====== sockq bench %s ======%n", mode.name().toLowerCase(Locale.ROOT));
                out.printf(Locale.ROOT, "  server %s:%d, tube %s, %d connections, pipeline %d, %d-byte bodies%n",
                        host, port, tubeName, connections, pipeline, size);
                out.printf(Locale.ROOT, "  %d jobs in %.3f s: %.0f jobs/s (%d commands, %.0f/s)%n", jobsDone, seconds,
                        rate, all.getTotalCount(), all.getTotalCount() / seconds);
                out.printf(Locale.ROOT, "  latency per command (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  "
                        + "max %.1f%n", us(all, 50), us(all, 90), us(all, 99), us(all, 99.9), all.getMaxValue() / 1e3);
                out.printf(Locale.ROOT, "  errors: %d%n", errs);
            }
            JsonObject result = new JsonObject().put("mode", mode.name().toLowerCase(Locale.ROOT))
                    .put("connections", connections).put("pipeline", pipeline).put("size", size)
                    .put("jobs", jobsDone).put("seconds", round(seconds, 3)).put("jobs_per_sec", round(rate, 1))
                    .put("p50_us", round(us(all, 50), 1)).put("p90_us", round(us(all, 90), 1))
                    .put("p99_us", round(us(all, 99), 1)).put("p999_us", round(us(all, 99.9), 1))
                    .put("max_us", round(all.getMaxValue() / 1e3, 1)).put("errors", errs);
            if (serverPid != null) {
                // the kernel's share is reported apart: on loopback most of a server's CPU per job is
                // the kernel's socket path, which no server code can go below
                result.put("server_cpu_us_per_job", round(jobsDone == 0 ? 0 : (userTicks + sysTicks) * 10_000.0 / jobsDone, 2))
                        .put("server_sys_us_per_job", round(jobsDone == 0 ? 0 : sysTicks * 10_000.0 / jobsDone, 2));
            }
            out.println("RESULT " + result.encode());
            out.flush();
        }

        private static double us(Histogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1e3;
        }

        private static double round(double v, int decimals) {
            double f = Math.pow(10, decimals);
            return Math.round(v * f) / f;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        boolean takeTicket() {
            return !stopping && !finished.isDone() && tickets.getAndDecrement() > 0;
        }

        /** A producer or cycling connection has no more tickets and nothing in flight. */
        void workerDone() {
            if (workersLeft.decrementAndGet() == 0) {
                if (mode == Mode.PRODCONS) {
                    checkProdconsDone();
                } else {
                    finish();
                }
            }
        }

        void checkProdconsDone() {
            if (mode == Mode.PRODCONS && workersLeft.get() == 0 && consumed.get() == inserted.get()) {
                finish();
            }
        }

        void abort(String why) {
            error(why);
            finish();
        }

        void finish() {
            if (ending.compareAndSet(false, true)) {
                endNanos = System.nanoTime();
                finished.complete(null);
            }
        }
    }

    /** Thrown from a verticle's start so the main thread can tell "cannot connect" (exit 3) from other failures. */
    private static final class CannotConnect extends RuntimeException {
        CannotConnect(Throwable cause) {
            super(cause);
        }
    }

    /** Opens its share of the connections on its own event loop, so the load spreads over the threads. */
    private static final class Loop extends VerticleBase {
        private final Run run;
        private final List<Conn> mine;

        Loop(Run run, List<Conn> mine) {
            this.run = run;
            this.mine = mine;
        }

        @Override
        public Future<?> start() {
            NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5000));
            return Future.join(mine.stream().map(c -> c.open(net, context)).toList());
        }
    }

    /** One connection: its role's command loop, its in-flight ring and its latency histogram, on one thread. */
    private final class Conn {
        final Run run;
        final Role role;
        /** The tube this connection puts to and/or watches. */
        final String tube;
        final Histogram latency = new Histogram(3);
        final Buffer putCommand;
        final Buffer reserveCommand = Buffer.buffer("reserve\r\n");
        Context ctx;
        NetSocket sock;
        // in-flight commands, oldest first: what each was and when it was written
        byte[] ops;
        long[] sentAt;
        int head;
        int inFlight;
        int activeSlots;
        int setupLeft;
        Promise<Void> ready;

        Conn(Run run, Role role, String tube) {
            this.run = run;
            this.role = role;
            this.tube = tube;
            this.putCommand = Buffer.buffer(run.body.length + 32)
                    .appendString("put 0 0 " + TTR_SEC + " " + run.body.length + "\r\n").appendBytes(run.body)
                    .appendString("\r\n");
            int capacity = Integer.highestOneBit(pipeline + 4) * 2;
            ops = new byte[capacity];
            sentAt = new long[capacity];
        }

        Future<Void> open(NetClient net, Context context) {
            ctx = context;
            return net.connect(run.port, run.host).<Void>transform(ar -> {
                if (ar.failed()) {
                    return Future.failedFuture(new CannotConnect(ar.cause()));
                }
                sock = ar.result();
                sock.handler(new ReplyParser(this::onReply, problem -> lost("protocol error: " + problem)));
                sock.closeHandler(v -> lost("connection closed by the server"));
                ready = Promise.promise();
                if (!tube.equals("default")) {
                    if (role != Role.CONSUMER) {
                        send(USE, Buffer.buffer("use " + tube + "\r\n"));
                    }
                    if (role != Role.PRODUCER) {
                        send(WATCH, Buffer.buffer("watch " + tube + "\r\n"));
                        send(IGNORE, Buffer.buffer("ignore default\r\n"));
                    }
                }
                setupLeft = inFlight;
                if (setupLeft == 0) {
                    ready.complete();
                }
                return ready.future();
            });
        }

        void start() {
            if (role == Role.CONSUMER) {
                // One reserve at a time: a second one would block, on the server, the deletes sent after it, and
                // at the end of the run nothing would come to unblock them (beanstalkd runs a connection's
                // commands strictly in order).
                send(RESERVE, reserveCommand);
                return;
            }
            for (int i = 0; i < pipeline; i++) {
                activeSlots++;
                nextJob();
            }
        }

        /** A producing slot's next job, or the end of the slot when the tickets are gone. */
        void nextJob() {
            if (run.takeTicket()) {
                send(PUT, putCommand);
            } else if (--activeSlots == 0) {
                run.workerDone();
            }
        }

        void send(byte op, Buffer command) {
            if (inFlight == ops.length) {
                throw new IllegalStateException("more commands in flight than the pipeline allows");
            }
            int i = (head + inFlight) & (ops.length - 1);
            ops[i] = op;
            sentAt[i] = System.nanoTime();
            inFlight++;
            sock.write(command);
        }

        void onReply(Reply r) {
            if (inFlight == 0) {
                lost("protocol error: unrequested reply '" + r.line() + "'");
                return;
            }
            byte op = ops[head];
            long sent = sentAt[head];
            long took = System.nanoTime() - sent;
            if (sent < run.measureFrom) {
                took = -1; // sent while warming up: not part of the measured latencies
            }
            head = (head + 1) & (ops.length - 1);
            inFlight--;
            run.replies.increment();
            switch (op) {
                case USE -> setupReply(r, "USING " + tube);
                case WATCH -> setupReply(r, "WATCHING 2");
                case IGNORE -> setupReply(r, "WATCHING 1");
                case PUT -> {
                    record(took);
                    onPut(r);
                }
                case RESERVE -> {
                    record(took);
                    onReserve(r);
                }
                default -> {
                    record(took);
                    onDelete(r);
                }
            }
        }

        private void record(long took) {
            if (took >= 0) {
                latency.recordValue(took);
            }
        }

        private void setupReply(Reply r, String expected) {
            if (!r.line().equals(expected)) {
                ready.tryFail("unexpected reply '" + r.line() + "' (wanted '" + expected + "') during setup");
            } else if (--setupLeft == 0) {
                ready.complete();
            }
        }

        private void onPut(Reply r) {
            boolean ok = id(r, "INSERTED") >= 0;
            if (!ok) {
                run.error("put -> " + word(r));
            }
            if (role == Role.CYCLER && ok) {
                send(RESERVE, reserveCommand);
                return;
            }
            if (ok) {
                run.inserted.incrementAndGet();
                if (mode == Mode.PUT) {
                    run.jobDone();
                }
            }
            nextJob();
        }

        private void onReserve(Reply r) {
            long id = r.data() == null ? -1 : id(r, "RESERVED");
            if (id < 0 || !Arrays.equals(r.data(), run.body)) {
                run.error(id < 0 ? "reserve -> " + word(r) : "reserve -> RESERVED with a different body");
            }
            if (id >= 0) {
                send(DELETE, Buffer.buffer("delete " + id + "\r\n"));
                if (role == Role.CONSUMER && pipeline > 1 && !run.finished.isDone()) {
                    send(RESERVE, reserveCommand);
                }
            } else if (role == Role.CYCLER) {
                nextJob();
            } else if (!run.finished.isDone()) {
                send(RESERVE, reserveCommand);
            }
        }

        private void onDelete(Reply r) {
            boolean ok = r.line().equals("DELETED");
            if (ok) {
                run.jobDone();
            } else {
                run.error("delete -> " + word(r));
            }
            if (role == Role.CYCLER) {
                nextJob();
                return;
            }
            run.consumed.incrementAndGet();
            run.checkProdconsDone();
            if (pipeline == 1 && !run.finished.isDone()) {
                send(RESERVE, reserveCommand);
            }
        }

        /** The connection is unusable: an error, and the end of the run (its jobs would never finish). */
        private void lost(String why) {
            if (ready != null && !ready.future().isComplete()) {
                ready.tryFail(why);
            } else if (!run.finished.isDone()) {
                run.abort(why);
            }
            sock.close();
        }

        private static long id(Reply r, String word) {
            if (!r.is(word)) {
                return -1;
            }
            int from = word.length() + 1;
            int to = r.line().indexOf(' ', from);
            try {
                return Long.parseLong(r.line(), from, to < 0 ? r.line().length() : to, 10);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        private static String word(Reply r) {
            int sp = r.line().indexOf(' ');
            return sp < 0 ? r.line() : r.line().substring(0, sp);
        }
    }
}
