package dev.sockq.cli;

import dev.sockq.config.SockqConfig.Key;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/** The server's command-line options, including beanstalkd's own flags (-l -p -b -f -F -z -V). */
public final class ServeOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "JSON config file (default conf/config.json when present)")
    String configFile;

    @Option(names = {"-l", "--host"}, paramLabel = "ADDR", description = "listen address for TCP and UDP (default 127.0.0.1)")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "TCP port (default 11300; 0 = ephemeral)")
    Integer port;

    @Option(names = "--udp-port", paramLabel = "N", description = "UDP port (default = TCP port; -1 disables)")
    Integer udpPort;

    @Option(names = {"-b", "--data-dir"}, paramLabel = "DIR", description = "journal folder (default ./data)")
    String dataDir;

    @Option(names = "--in-memory", description = "no journal: jobs live in memory only")
    Boolean inMemory;

    @Option(names = "--fsync", paramLabel = "always|never|MS", description = "journal flush policy (default always)")
    String fsync;

    @Option(names = "-f", paramLabel = "MS", description = "beanstalkd: fsync at most every MS milliseconds")
    Long fsyncMs;

    @Option(names = "-F", description = "beanstalkd: never fsync")
    boolean neverFsync;

    @Option(names = {"-s", "--journal-segment-size"}, paramLabel = "BYTES", description = "journal file size (default 4 MiB; beanstalkd's binlog size)")
    Long journalSegmentSize;

    @Option(names = "--salvage", description = "start even if the journal is corrupt in the middle, dropping what cannot be read")
    Boolean salvage;

    @Option(names = {"-z", "--max-job-size"}, paramLabel = "BYTES", description = "largest job body (default 65535)")
    Long maxJobSize;

    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port for /health, /ready, /metrics (default 11380; -1 disables)")
    Integer httpPort;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", description = "on SIGTERM, how long connections may finish their commands (default 10)")
    Long shutdownTimeout;

    @Option(names = "--tcp-instances", paramLabel = "N", description = "TCP verticle instances (default 1)")
    Integer tcpInstances;

    @Option(names = "--udp-instances", paramLabel = "N", description = "UDP verticle instances (default 1)")
    Integer udpInstances;

    @Option(names = "--max-datagram-size", paramLabel = "BYTES", description = "largest UDP datagram (default 65507)")
    Integer maxDatagramSize;

    @Option(names = "--no-udp-replies", description = "send no reply datagrams (fire-and-forget senders)")
    boolean noUdpReplies;

    @Option(names = "--udp-dedupe-window", paramLabel = "SECONDS", description = "how long an `id` token is remembered (default 60)")
    Long udpDedupeWindow;

    @Option(names = "--udp-dedupe-max", paramLabel = "N", description = "most `id` tokens remembered, oldest dropped first (default 100000)")
    Integer udpDedupeMax;

    @Option(names = "--daemon-shards", paramLabel = "N", description = "daemon worker shards, tubes spread over them (default 1)")
    Integer daemonShards;

    @Option(names = "--cluster", description = "join a Vert.x cluster (Hazelcast)")
    Boolean cluster;

    @Option(names = "--single-thread", description = "sockets and daemon on one event loop, as beanstalkd: no thread hand-off per command, one core at most")
    Boolean singleThread;

    @Option(names = "--transport", paramLabel = "epoll|io_uring", description = "socket I/O through epoll (default) or io_uring (queued socket I/O: less CPU with many busy clients, slower for one; falls back to epoll where the kernel or a container forbids it)")
    String transport;

    @Option(names = "--daemon-spin-us", paramLabel = "MICROS", description = "while one client talks alone (its turns back to back), the daemon thread yields for up to this long before it sleeps, so its next command finds it awake (one client: about 2.5x the puts/s); 0: sleep at once (default 100)")
    Long daemonSpinUs;

    @Option(names = "--no-bus-api", description = "do not serve the JSON event-bus API (sockq.put, sockq.reserve...)")
    boolean noBusApi;

    @Option(names = "--max-connections", paramLabel = "N", description = "most client connections at once; more are closed (default 10000)")
    Integer maxConnections;

    @Option(names = "--max-tubes", paramLabel = "N", description = "most tubes; use/watch of a new one answers OUT_OF_MEMORY (default 100000)")
    Integer maxTubes;

    @Option(names = "--max-job-bytes", paramLabel = "BYTES", description = "memory for jobs (bodies + 256 B each); puts beyond answer OUT_OF_MEMORY (default half the max heap)")
    Long maxJobBytes;

    @Option(names = "--slow-client-timeout", paramLabel = "SECONDS", description = "drop a client that does not read its replies for this long (default 30; 0 = never)")
    Long slowClientTimeout;

    @Option(names = "--max-pending-output", paramLabel = "BYTES", description = "drop a client owed more reply bytes than this (default 64 MiB)")
    Long maxPendingOutput;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "server certificate chain (PEM): serve TCP over TLS")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "private key of --tls-cert (PEM: PKCS#8, RSA or EC)")
    String tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA certificates (PEM): require client certificates signed by them (mTLS)")
    String tlsCa;

    @Option(names = "--tls-port", paramLabel = "N", description = "TLS on this port, plain TCP stays on --port (default: TLS on --port itself)")
    Integer tlsPort;

    @Option(names = "--cluster-config", paramLabel = "FILE", description = "Hazelcast config for --cluster (default conf/cluster.xml when present, else the built-in loopback one)")
    String clusterConfig;

    @Option(names = "--cluster-host", paramLabel = "ADDR", description = "address of this node's cluster event bus, reachable by the other nodes (default 127.0.0.1)")
    String clusterHost;

    @Option(names = "--cluster-port", paramLabel = "N", description = "port of this node's cluster event bus (default 0 = any free port)")
    Integer clusterPort;

    @Option(names = "--bridge-port", paramLabel = "N", description = "TCP event-bus bridge for non-JVM services (default -1 = off; 0 = any free port)")
    Integer bridgePort;

    @Option(names = {"-V", "--verbose"}, description = "more logging (repeat for more)")
    boolean[] verbose = new boolean[0];

    /** The options that were given, keyed like the config file. */
    JsonObject toJson() {
        JsonObject j = new JsonObject();
        put(j, Key.HOST, host);
        put(j, Key.PORT, port);
        put(j, Key.UDP_PORT, udpPort);
        put(j, Key.DATA_DIR, dataDir);
        put(j, Key.IN_MEMORY, inMemory);
        put(j, Key.MAX_JOB_SIZE, maxJobSize);
        put(j, Key.TCP_INSTANCES, tcpInstances);
        put(j, Key.UDP_INSTANCES, udpInstances);
        put(j, Key.DAEMON_SHARDS, daemonShards);
        put(j, Key.CLUSTER, cluster);
        put(j, Key.MAX_DATAGRAM_SIZE, maxDatagramSize);
        put(j, Key.JOURNAL_SEGMENT_SIZE, journalSegmentSize);
        put(j, Key.SALVAGE, salvage);
        put(j, Key.HTTP_PORT, httpPort);
        put(j, Key.SHUTDOWN_TIMEOUT, shutdownTimeout);
        put(j, Key.UDP_REPLIES, noUdpReplies ? Boolean.FALSE : null);
        put(j, Key.UDP_DEDUPE_WINDOW, udpDedupeWindow);
        put(j, Key.UDP_DEDUPE_MAX, udpDedupeMax);
        put(j, Key.BUS_API, noBusApi ? Boolean.FALSE : null);
        put(j, Key.MAX_CONNECTIONS, maxConnections);
        put(j, Key.MAX_TUBES, maxTubes);
        put(j, Key.MAX_JOB_BYTES, maxJobBytes);
        put(j, Key.SLOW_CLIENT_TIMEOUT, slowClientTimeout);
        put(j, Key.MAX_PENDING_OUTPUT, maxPendingOutput);
        put(j, Key.TLS_CERT, tlsCert);
        put(j, Key.TLS_KEY, tlsKey);
        put(j, Key.TLS_CA, tlsCa);
        put(j, Key.TLS_PORT, tlsPort);
        put(j, Key.FSYNC, neverFsync ? "never" : fsyncMs != null ? String.valueOf(fsyncMs) : fsync);
        put(j, Key.CLUSTER_CONFIG, clusterConfig);
        put(j, Key.CLUSTER_HOST, clusterHost);
        put(j, Key.CLUSTER_PORT, clusterPort);
        put(j, Key.BRIDGE_PORT, bridgePort);
        put(j, Key.SINGLE_THREAD, singleThread);
        put(j, Key.TRANSPORT, transport);
        put(j, Key.DAEMON_SPIN_US, daemonSpinUs);
        return j;
    }

    private static void put(JsonObject j, Key k, Object v) {
        if (v != null) {
            j.put(k.json, v);
        }
    }
}
