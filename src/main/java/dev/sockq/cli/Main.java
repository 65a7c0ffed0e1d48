package dev.sockq.cli;

import dev.sockq.SockqServer;
import dev.sockq.config.ConfigLoader;
import dev.sockq.config.SockqConfig;
import dev.sockq.daemon.ServerInfo;
import dev.sockq.ops.IdleHeapTrim;
import com.hazelcast.config.Config;
import dev.sockq.cluster.ClusterSetup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.transport.Transport;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import sun.misc.Signal;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Entry point of the jar: `serve` (the default) and the client subcommands. */
@Command(name = "sockq", description = "A message-queue daemon for sockets (beanstalkd protocol).",
        subcommands = {Main.Serve.class, PutCommand.class, ReserveCommand.class, DeleteCommand.class, KickCommand.class,
            PeekCommand.class, StatsCommand.class, TubesCommand.class, HealthCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Mixin
    ServeOptions options;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show the version and exit")
    boolean version;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code (2 for usage errors). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.getCommandSpec().version("sockq " + ServerInfo.VERSION);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("sockq: " + ex.getMessage() + " (try --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        return serve(options);
    }

    /** Starts the server and blocks until the JVM is asked to stop. */
    static int serve(ServeOptions o) {
        long started = System.nanoTime();
        List<String> trim = IdleHeapTrim.apply();
        if (o.verbose.length > 0 && LoggerFactory.getLogger("dev.sockq") instanceof ch.qos.logback.classic.Logger sockqLog) {
            sockqLog.setLevel(ch.qos.logback.classic.Level.DEBUG); // beanstalkd's -V: say more
        }
        // epoll where available: faster sockets, and SO_REUSEPORT for several UDP instances;
        // Micrometer for the Vert.x and JVM meters that /metrics adds to sockq's own
        Vertx vertx = vertxBuilder(vertxOptions(), null).build();
        SockqConfig config;
        Config hazelcast = null;
        try {
            config = ConfigLoader.load(vertx, o.configFile, o.toJson()).await();
            if (config.cluster()) {
                hazelcast = ClusterSetup.hazelcastConfig(config.clusterConfig());
            }
        } catch (Exception e) {
            System.err.println("sockq: " + e.getMessage());
            vertx.close();
            return CommandLine.ExitCode.USAGE;
        }
        Transport transport = transport(config);
        if (config.singleThread() || (transport != null && hazelcast == null)) {
            // the config decides the event-loop count and the transport, so the Vert.x that read it makes way
            vertx.close().await();
            VertxOptions options = vertxOptions();
            if (config.singleThread()) {
                // the daemon may now block its loop on purpose (fsync always, replay at start): no warnings for that
                options.setEventLoopPoolSize(1).setMaxEventLoopExecuteTime(60)
                        .setMaxEventLoopExecuteTimeUnit(java.util.concurrent.TimeUnit.SECONDS);
            }
            vertx = vertxBuilder(options, transport).build();
        }
        if (hazelcast != null) {
            // the config decides whether to cluster, so the plain Vert.x that read it makes way
            vertx.close().await();
            long joining = System.nanoTime();
            try {
                vertx = ClusterSetup.start(vertxBuilder(vertxOptions(), transport), vertxOptions(), hazelcast, config.clusterHost(),
                        config.clusterPort()).await();
            } catch (Exception e) {
                log.error("sockq could not join the cluster: {}", e.toString());
                return 1;
            }
            log.info("sockq joined the cluster in {} ms", (System.nanoTime() - joining) / 1_000_000);
        }
        SockqServer server = new SockqServer(vertx, config);
        try {
            server.start().await();
        } catch (Exception e) {
            log.error("sockq failed to start: {}", e.toString());
            vertx.close().await();
            return 1;
        }
        log.debug("started in {} ms", (System.nanoTime() - started) / 1_000_000);
        log.debug("idle heap trim: {}", trim.isEmpty() ? "left to the JVM's own flags" : String.join(" ", trim));
        Signal.handle(new Signal("USR1"), sig -> server.drain());
        awaitStopSignal();
        log.info("sockq stopping");
        Vertx running = vertx;
        server.stop().transform(v -> running.close()).await();
        return 0;
    }

    private static VertxOptions vertxOptions() {
        return new VertxOptions().setPreferNativeTransport(true)
                .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                        // both record on every message and every daemon task, the hottest path there is
                        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                        .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS)
                        // the ops port's own request meters: a request racing the server's start met a null
                        // connection metric in VertxHttpServerMetrics.requestBegin (NPE), and /ready never answered
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
                        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }

    /** @param transport null: the native transport (epoll) where available, else the JDK's */
    private static VertxBuilder vertxBuilder(VertxOptions options, Transport transport) {
        VertxBuilder b = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory());
        return transport == null ? b : b.withTransport(transport);
    }

    /** io_uring when the config asks for it and this kernel allows it (containers often forbid it), else null. */
    private static Transport transport(SockqConfig config) {
        if (!config.transport().equals("io_uring")) {
            return null;
        }
        if (!Transport.IO_URING.available()) {
            log.warn("transport io_uring is not available here ({}); using epoll",
                    String.valueOf(Transport.IO_URING.unavailabilityCause()));
            return null;
        }
        log.info("sockq transport io_uring");
        return Transport.IO_URING;
    }

    /** Blocks until SIGTERM or SIGINT, which then mean "stop cleanly and exit 0" rather than a JVM kill. */
    private static void awaitStopSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> stop.countDown());
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** `sockq serve`: the same as running sockq without a subcommand. */
    @Command(name = "serve", description = "Run the daemon (the default command).", mixinStandardHelpOptions = false)
    static final class Serve implements Callable<Integer> {
        @Mixin
        ServeOptions options;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() {
            return serve(options);
        }
    }
}
