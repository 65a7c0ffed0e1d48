package dev.sockq;

import dev.sockq.bus.Addresses;
import dev.sockq.cluster.ApiLeadership;
import dev.sockq.config.PushBinding;
import dev.sockq.config.SockqConfig;
import dev.sockq.daemon.Clock;
import dev.sockq.daemon.DaemonOptions;
import dev.sockq.daemon.DaemonVerticle;
import dev.sockq.daemon.ShardBudget;
import dev.sockq.journal.JournalOptions;
import dev.sockq.journal.ShardLayout;
import dev.sockq.bus.api.ApiRouter;
import dev.sockq.net.UdpOptions;
import dev.sockq.net.UdpServerVerticle;
import dev.sockq.ops.DatagramCounters;
import dev.sockq.ops.OpsVerticle;
import dev.sockq.ops.PushCounters;
import dev.sockq.net.TcpOptions;
import dev.sockq.net.TcpServerVerticle;
import dev.sockq.net.ConnectionLimit;
import dev.sockq.net.TlsOptions;
import dev.sockq.net.BusBridgeVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wires one sockq server into a Vert.x instance: the daemon worker, then the socket verticles. */
public final class SockqServer {
    private static final Logger log = LoggerFactory.getLogger(SockqServer.class);

    private final Vertx vertx;
    private final SockqConfig config;
    private final List<String> deployments = new ArrayList<>();
    private final DatagramCounters datagrams = new DatagramCounters();
    private final List<PushCounters> push;
    private final ConnectionLimit connectionLimit;
    private int tcpPort = -1;
    private int tlsPort = -1;
    private int udpPort = -1;
    private int httpPort = -1;
    private int bridgePort = -1;
    private ApiLeadership leadership;
    /** Sockets bound and journal recovered, and not stopping (/ready). */
    private volatile boolean ready;
    private final List<DaemonVerticle> daemons = new CopyOnWriteArrayList<>();
    private String opsDeployment;

    public SockqServer(Vertx vertx, SockqConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.push = config.push().stream().map(b -> new PushCounters(b.tube())).toList();
        this.connectionLimit = new ConnectionLimit(config.maxConnections());
    }

    public Future<SockqServer> start() {
        boolean tlsOnMainPort = config.tls() && config.tlsPort() == SockqConfig.TLS_ON_MAIN_PORT;
        boolean exposed = !unixSocket() && !isLoopback(config.host()); // resolved here, not on an event loop
        // The ops port comes first and goes last, so /ready answers 503 through a long journal
        // replay and through shutdown instead of refusing connections.
        return startOps()
                .compose(v -> startDaemons())
                .compose(v -> deployTcp(tcpOptions(config.port(), tlsOnMainPort)))
                .compose(port -> {
                    tcpPort = port;
                    if (tlsOnMainPort) {
                        tlsPort = port;
                    }
                    if (!config.tls() || tlsOnMainPort) {
                        return Future.succeededFuture();
                    }
                    return deployTcp(tcpOptions(config.tlsPort(), true)).map(p -> tlsPort = p).mapEmpty();
                })
                .compose(v -> startUdp())
                .compose(v -> startBridge())
                .compose(v -> startApi())
                .map(v -> {
                    ready = true;
                    log.info("sockq listening tcp={} udp={}{}", unixSocket() ? config.host() : config.host() + ":" + tcpPort,
                            udpPort < 0 ? "disabled" : config.host() + ":" + udpPort,
                            tlsPort < 0 ? "" : " tls=" + config.host() + ":" + tlsPort);
                    if (exposed) {
                        warnUnencrypted(tlsOnMainPort);
                    }
                    return this;
                });
    }

    /** The daemon shards, one worker verticle each, in order (each replays its own journal in its start). */
    private Future<Void> startDaemons() {
        int shards = config.daemonShards();
        if (!config.inMemory()) {
            try {
                ShardLayout.check(Path.of(config.dataDir()), shards);
            } catch (IOException | IllegalStateException e) {
                return Future.failedFuture(e);
            }
        }
        boolean busApi = config.busApi() && !vertx.isClustered();
        ShardBudget budget = shards > 1 ? new ShardBudget() : null;
        Future<Void> chain = Future.succeededFuture();
        for (int k = 0; k < shards; k++) {
            JournalOptions journal = config.inMemory() ? null : JournalOptions.of(
                    ShardLayout.dirOf(Path.of(config.dataDir()), k, shards), config.fsync(), config.journalSegmentSize(),
                    config.salvage());
            DaemonOptions daemon = new DaemonOptions(config.maxJobSize(), config.udpDedupeWindowSec() * 1000,
                    config.udpDedupeMax(), journal, datagrams::yaml, busApi, config.push(), push,
                    config.maxTubes(), config.maxJobBytes(), config.maxPendingOutput(), k, shards, budget,
                    config.daemonSpinUs() * 1000);
            // --single-thread: the daemon shares the one event loop with the sockets (no hand-off per command)
            DeploymentOptions worker = new DeploymentOptions().setThreadingModel(
                    config.singleThread() ? ThreadingModel.EVENT_LOOP : ThreadingModel.WORKER);
            if (!config.singleThread()) {
                // a pool of one thread per shard: the daemon always runs on the same, warm thread instead of
                // whichever of the shared pool's 20 threads is free
                worker.setWorkerPoolName("sockq-daemon-" + k).setWorkerPoolSize(1);
            }
            DaemonVerticle verticle = new DaemonVerticle(daemon, Clock.SYSTEM);
            daemons.add(verticle);
            chain = chain.compose(v -> vertx.deployVerticle(verticle, worker))
                    .map(id -> {
                        deployments.add(id);
                        return null;
                    });
        }
        if (busApi && shards > 1) {
            chain = chain.compose(v -> vertx.deployVerticle(new ApiRouter(shards))).map(id -> {
                deployments.add(id);
                return null;
            });
        }
        return chain;
    }

    /**
     * Binds a TCP listener (instances after the first go on the port the first got) and
     * completes with its port.
     */
    private Future<Integer> deployTcp(TcpOptions requested) {
        TcpOptions options = requested;
        if (options.port() == 0 && config.tcpInstances() > 1 && !unixSocket()) {
            // Vert.x shares one listening socket among instances only when they bind the same port
            // number, and port 0 would give each its own: take a free port number first
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(options.host()))) {
                options = options.onPort(probe.getLocalPort());
            } catch (IOException e) {
                return Future.failedFuture(e);
            }
        }
        TcpServerVerticle first = new TcpServerVerticle(options, connectionLimit, config.daemonShards());
        TcpOptions chosen = options;
        return vertx.deployVerticle(first).compose(id -> {
            deployments.add(id);
            int port = first.actualPort();
            if (config.tcpInstances() == 1 || unixSocket()) {
                return Future.succeededFuture(port);
            }
            TcpOptions same = chosen.onPort(port);
            return vertx.deployVerticle(() -> new TcpServerVerticle(same, connectionLimit, config.daemonShards()),
                    new DeploymentOptions().setInstances(config.tcpInstances() - 1)).map(id2 -> {
                        deployments.add(id2);
                        return port;
                    });
        });
    }

    /** Listening beyond this host: say plainly what is readable by anyone who can reach the ports. */
    private void warnUnencrypted(boolean tlsOnMainPort) {
        if (!tlsOnMainPort) {
            log.warn("tcp={}:{} is reachable from other hosts without TLS: anyone who can connect can put, read "
                    + "and delete every job (see SECURITY.md; --tls-cert/--tls-key, or keep -l 127.0.0.1)",
                    config.host(), tcpPort);
        }
        if (udpPort >= 0) {
            log.warn("udp={}:{} is reachable from other hosts and never encrypted: anyone who can send to it can "
                    + "put jobs (--udp-port -1 closes it)", config.host(), udpPort);
        }
    }

    /** /ready: sockets bound, journals recovered, not stopping, and every journal writing. */
    private boolean ready() {
        return ready && daemons.stream().allMatch(DaemonVerticle::journalWriting);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // the bind will fail and say why
        }
    }

    private Future<Void> startOps() {
        if (config.httpPort() < 0) {
            return Future.succeededFuture();
        }
        String host = unixSocket() ? "127.0.0.1" : config.host(); // HTTP needs an IP address
        OpsVerticle ops = new OpsVerticle(host, config.httpPort(), this::ready, datagrams, push, config.daemonShards());
        return vertx.deployVerticle(ops).map(id -> {
            opsDeployment = id;
            httpPort = ops.actualPort();
            log.info("sockq ops http={}:{} (/health /ready /metrics)", host, httpPort);
            return null;
        });
    }

    /** The HTTP operations port actually bound, or -1 if disabled. */
    public int httpPort() {
        return httpPort;
    }

    /** `-l unix:PATH`, as beanstalkd: the stream socket is a unix domain socket (and there is no UDP). */
    private boolean unixSocket() {
        return config.host().startsWith("unix:");
    }

    private Future<Void> startUdp() {
        int port = config.udpPort() == SockqConfig.UDP_FOLLOWS_TCP ? tcpPort : config.udpPort();
        if (port < 0 || unixSocket()) {
            return Future.succeededFuture();
        }
        int instances = config.udpInstances();
        if (instances > 1 && !vertx.isNativeTransportEnabled()) {
            log.warn("udp: {} instances need the native transport (epoll, SO_REUSEPORT), which is unavailable "
                    + "here ({}); running 1", instances, vertx.unavailableNativeTransportCause());
            instances = 1;
        }
        boolean reusePort = instances > 1;
        UdpServerVerticle first = new UdpServerVerticle(udpOptions(port, reusePort), datagrams, config.daemonShards());
        int more = instances - 1;
        return vertx.deployVerticle(first).compose(id -> {
            deployments.add(id);
            udpPort = first.actualPort();
            if (more == 0) {
                return Future.succeededFuture();
            }
            UdpOptions same = udpOptions(udpPort, true);
            return vertx.deployVerticle(() -> new UdpServerVerticle(same, datagrams, config.daemonShards()),
                    new DeploymentOptions().setInstances(more)).map(deployments::add).mapEmpty();
        });
    }

    /** The TCP event-bus bridge for non-JVM services, when bridgePort is set. */
    private Future<Void> startBridge() {
        if (config.bridgePort() < 0) {
            return Future.succeededFuture();
        }
        String host = unixSocket() ? "127.0.0.1" : config.host();
        List<String> pushed = config.push().stream().map(PushBinding::address).distinct().toList();
        BusBridgeVerticle bridge = new BusBridgeVerticle(host, config.bridgePort(), pushed);
        return vertx.deployVerticle(bridge).map(id -> {
            deployments.add(id);
            bridgePort = bridge.actualPort();
            return null;
        });
    }

    /** The bridge port actually bound, or -1 if the bridge is off. */
    public int bridgePort() {
        return bridgePort;
    }

    /**
     * The public sockq.* addresses: a lone node's daemon serves them from its start; in a cluster
     * only the node holding the API leadership does (see {@link ApiLeadership}), the others
     * serve their own sockets.
     */
    private Future<Void> startApi() {
        if (vertx.isClustered() && config.busApi()) {
            leadership = new ApiLeadership(vertx, this::serveApi);
            leadership.start();
        }
        return Future.succeededFuture();
    }

    /** A clustered node elected to serve the API: every shard registers its part, then the router if sharded. */
    private Future<?> serveApi() {
        int shards = config.daemonShards();
        List<Future<?>> all = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            all.add(vertx.eventBus().request(Addresses.ofShard(Addresses.DAEMON_CONTROL, k, shards), "serve-api",
                    Addresses.LOCAL));
        }
        Future<?> registered = Future.all(all);
        return shards == 1 ? registered : registered.compose(v -> vertx.deployVerticle(new ApiRouter(shards)))
                .onSuccess(id -> deployments.add((String) id));
    }

    /** Whether this server serves the public sockq.* addresses now. */
    public boolean servesApi() {
        return leadership != null ? leadership.isLeader() : ready && config.busApi();
    }

    private UdpOptions udpOptions(int port, boolean reusePort) {
        return new UdpOptions(config.host(), port, config.maxJobSize(), config.maxDatagramSize(),
                config.udpReplies(), reusePort);
    }

    /** The UDP port actually bound, or -1 if UDP is disabled. */
    public int udpPort() {
        return udpPort;
    }

    private TcpOptions tcpOptions(int port, boolean tls) {
        return new TcpOptions(config.host(), port, config.maxJobSize(), TcpOptions.DEFAULT_MAX_IN_FLIGHT,
                config.shutdownTimeoutSec() * 1000, config.slowClientTimeoutSec() * 1000, config.maxPendingOutput(),
                tls ? new TlsOptions(config.tlsCert(), config.tlsKey(), config.tlsCa()) : null);
    }

    /** The TLS port actually bound (the TCP port itself when TLS is on the main port), or -1 without TLS. */
    public int tlsPort() {
        return tlsPort;
    }

    /** beanstalkd's drain mode (SIGUSR1): puts answer DRAINING from now on. */
    public void drain() {
        for (int k = 0; k < config.daemonShards(); k++) {
            vertx.eventBus().send(Addresses.ofShard(Addresses.DAEMON_CONTROL, k, config.daemonShards()), "drain",
                    Addresses.LOCAL);
        }
    }

    /** The TCP port actually bound (useful with port 0). */
    public int tcpPort() {
        return tcpPort;
    }

    public Future<Void> stop() {
        ready = false;
        Future<Void> chain = Future.succeededFuture();
        // sockets first (they finish their commands), then the daemon (it flushes the journal)
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String id = deployments.get(i);
            chain = chain.compose(v -> vertx.undeploy(id));
        }
        deployments.clear();
        if (leadership != null) {
            // only now, with the daemon (and its API) gone: never two nodes serving the API at once
            ApiLeadership led = leadership;
            leadership = null;
            chain = chain.eventually(() -> {
                led.stop();
                return Future.succeededFuture();
            });
        }
        String ops = opsDeployment;
        opsDeployment = null;
        return ops == null ? chain : chain.eventually(() -> vertx.undeploy(ops));
    }

}
