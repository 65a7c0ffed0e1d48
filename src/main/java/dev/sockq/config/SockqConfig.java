package dev.sockq.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The settled configuration of one sockq server (after defaults, file, environment and
 * command line were layered by {@link ConfigLoader}).
 */
public record SockqConfig(
        String host,
        int port,
        int udpPort,
        String dataDir,
        boolean inMemory,
        String fsync,
        long maxJobSize,
        int tcpInstances,
        int udpInstances,
        int daemonShards,
        boolean cluster,
        int maxDatagramSize,
        boolean udpReplies,
        long udpDedupeWindowSec,
        int udpDedupeMax,
        long journalSegmentSize,
        boolean salvage,
        int httpPort,
        long shutdownTimeoutSec,
        boolean busApi,
        List<PushBinding> push,
        int maxConnections,
        int maxTubes,
        long maxJobBytes,
        long slowClientTimeoutSec,
        long maxPendingOutput,
        String tlsCert,
        String tlsKey,
        String tlsCa,
        int tlsPort,
        String clusterConfig,
        String clusterHost,
        int clusterPort,
        int bridgePort,
        boolean singleThread,
        String transport,
        long daemonSpinUs) {

    /** {@link #udpPort} value meaning "the port TCP got". */
    public static final int UDP_FOLLOWS_TCP = -2;
    /** {@link #tlsPort} value meaning "no separate TLS port": with a certificate, the main port speaks TLS. */
    public static final int TLS_ON_MAIN_PORT = -1;
    /** More shards than cores only add hops; 64 keeps a mistyped count from starting thousands of workers. */
    public static final int MAX_DAEMON_SHARDS = 64;
    /** Past a few round trips a spin only burns CPU; 10 ms bounds a mistyped value. */
    public static final long MAX_DAEMON_SPIN_US = 10_000;

    /** Every option: config-file key, environment variable, default. */
    public enum Key {
        HOST("host", "127.0.0.1"),
        PORT("port", 11300),
        UDP_PORT("udpPort", null),
        DATA_DIR("dataDir", "./data"),
        IN_MEMORY("inMemory", false),
        FSYNC("fsync", "always"),
        MAX_JOB_SIZE("maxJobSize", 65535L),
        TCP_INSTANCES("tcpInstances", 1),
        UDP_INSTANCES("udpInstances", 1),
        DAEMON_SHARDS("daemonShards", 1),
        CLUSTER("cluster", false),
        MAX_DATAGRAM_SIZE("maxDatagramSize", 65507),
        UDP_REPLIES("udpReplies", true),
        UDP_DEDUPE_WINDOW("udpDedupeWindow", 60),
        UDP_DEDUPE_MAX("udpDedupeMax", 100_000),
        JOURNAL_SEGMENT_SIZE("journalSegmentSize", 4L << 20),
        SALVAGE("salvage", false),
        HTTP_PORT("httpPort", 11380),
        SHUTDOWN_TIMEOUT("shutdownTimeout", 10),
        BUS_API("busApi", true),
        PUSH("push", null),
        MAX_CONNECTIONS("maxConnections", 10_000),
        MAX_TUBES("maxTubes", 100_000),
        /** Unset: half the JVM's maximum heap. */
        MAX_JOB_BYTES("maxJobBytes", null),
        SLOW_CLIENT_TIMEOUT("slowClientTimeout", 30),
        /** Unset: 64 MiB, or four of the largest job replies if that is more. */
        MAX_PENDING_OUTPUT("maxPendingOutput", null),
        TLS_CERT("tlsCert", null),
        TLS_KEY("tlsKey", null),
        TLS_CA("tlsCa", null),
        TLS_PORT("tlsPort", null),
        CLUSTER_CONFIG("clusterConfig", ""),
        CLUSTER_HOST("clusterHost", "127.0.0.1"),
        CLUSTER_PORT("clusterPort", 0),
        BRIDGE_PORT("bridgePort", -1),
        SINGLE_THREAD("singleThread", false),
        TRANSPORT("transport", "epoll"),
        DAEMON_SPIN_US("daemonSpinUs", 100L);

        public final String json;
        public final Object defaultValue;

        Key(String json, Object defaultValue) {
            this.json = json;
            this.defaultValue = defaultValue;
        }

        /** SOCKQ_ followed by the key in upper snake case, e.g. SOCKQ_MAX_JOB_SIZE. */
        public String env() {
            return "SOCKQ_" + name();
        }
    }

    /** The largest body beanstalkd's protocol can announce and sockq holds in one array. */
    public static final long MAX_JOB_SIZE_LIMIT = Integer.MAX_VALUE - 16;

    public static SockqConfig defaults() {
        return from(new JsonObject());
    }

    /** Builds and validates a config from merged JSON; throws IllegalArgumentException with a one-line reason. */
    public static SockqConfig from(JsonObject j) {
        int port = intOf(j, Key.PORT);
        int udp = j.getValue(Key.UDP_PORT.json) == null ? UDP_FOLLOWS_TCP : intOf(j, Key.UDP_PORT);
        SockqConfig c = new SockqConfig(
                stringOf(j, Key.HOST),
                port,
                udp,
                stringOf(j, Key.DATA_DIR),
                boolOf(j, Key.IN_MEMORY),
                stringOf(j, Key.FSYNC),
                longOf(j, Key.MAX_JOB_SIZE),
                intOf(j, Key.TCP_INSTANCES),
                intOf(j, Key.UDP_INSTANCES),
                intOf(j, Key.DAEMON_SHARDS),
                boolOf(j, Key.CLUSTER),
                intOf(j, Key.MAX_DATAGRAM_SIZE),
                boolOf(j, Key.UDP_REPLIES),
                longOf(j, Key.UDP_DEDUPE_WINDOW),
                intOf(j, Key.UDP_DEDUPE_MAX),
                longOf(j, Key.JOURNAL_SEGMENT_SIZE),
                boolOf(j, Key.SALVAGE),
                intOf(j, Key.HTTP_PORT),
                longOf(j, Key.SHUTDOWN_TIMEOUT),
                boolOf(j, Key.BUS_API),
                PushBinding.listOf(j.getValue(Key.PUSH.json)),
                intOf(j, Key.MAX_CONNECTIONS),
                intOf(j, Key.MAX_TUBES),
                j.getValue(Key.MAX_JOB_BYTES.json) == null ? Runtime.getRuntime().maxMemory() / 2 : longOf(j, Key.MAX_JOB_BYTES),
                longOf(j, Key.SLOW_CLIENT_TIMEOUT),
                j.getValue(Key.MAX_PENDING_OUTPUT.json) == null
                        ? Math.max(64L << 20, 4 * (longOf(j, Key.MAX_JOB_SIZE) + 64)) : longOf(j, Key.MAX_PENDING_OUTPUT),
                optionalStringOf(j, Key.TLS_CERT),
                optionalStringOf(j, Key.TLS_KEY),
                optionalStringOf(j, Key.TLS_CA),
                j.getValue(Key.TLS_PORT.json) == null ? TLS_ON_MAIN_PORT : intOf(j, Key.TLS_PORT),
                stringOf(j, Key.CLUSTER_CONFIG),
                stringOf(j, Key.CLUSTER_HOST),
                intOf(j, Key.CLUSTER_PORT),
                intOf(j, Key.BRIDGE_PORT),
                boolOf(j, Key.SINGLE_THREAD),
                stringOf(j, Key.TRANSPORT),
                longOf(j, Key.DAEMON_SPIN_US));
        c.validate();
        return c;
    }

    private void validate() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if ((udpPort < -1 && udpPort != UDP_FOLLOWS_TCP) || udpPort > 65535) {
            throw new IllegalArgumentException("udpPort must be -1..65535, got " + udpPort);
        }
        if (maxJobSize < 0 || maxJobSize > MAX_JOB_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxJobSize must be 0.." + MAX_JOB_SIZE_LIMIT + ", got " + maxJobSize);
        }
        if (tcpInstances < 1 || udpInstances < 1 || daemonShards < 1) {
            throw new IllegalArgumentException("instance and shard counts must be at least 1");
        }
        if (daemonShards > MAX_DAEMON_SHARDS) {
            throw new IllegalArgumentException("daemonShards must be at most " + MAX_DAEMON_SHARDS);
        }
        if (!fsync.equals("always") && !fsync.equals("never") && !fsync.matches("\\d+")) {
            throw new IllegalArgumentException("fsync must be always, never or a number of milliseconds, got " + fsync);
        }
        if (maxDatagramSize < 16 || maxDatagramSize > 65507) {
            throw new IllegalArgumentException("maxDatagramSize must be 16..65507, got " + maxDatagramSize);
        }
        if (udpDedupeWindowSec < 0 || udpDedupeMax < 0) {
            throw new IllegalArgumentException("udpDedupeWindow and udpDedupeMax must not be negative");
        }
        if (shutdownTimeoutSec < 0) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + shutdownTimeoutSec);
        }
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be -1..65535, got " + httpPort);
        }
        if (journalSegmentSize < 4096) {
            throw new IllegalArgumentException("journalSegmentSize must be at least 4096, got " + journalSegmentSize);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (clusterHost.isBlank()) {
            throw new IllegalArgumentException("clusterHost must not be empty");
        }
        if (clusterPort < 0 || clusterPort > 65535) {
            throw new IllegalArgumentException("clusterPort must be 0..65535, got " + clusterPort);
        }
        if (bridgePort < -1 || bridgePort > 65535) {
            throw new IllegalArgumentException("bridgePort must be -1..65535, got " + bridgePort);
        }
        if (singleThread && (daemonShards != 1 || tcpInstances != 1 || udpInstances != 1 || cluster)) {
            throw new IllegalArgumentException("singleThread runs everything on one thread: it takes one daemon shard, "
                    + "one TCP and one UDP instance, and no cluster");
        }
        if (daemonSpinUs < 0 || daemonSpinUs > MAX_DAEMON_SPIN_US) {
            throw new IllegalArgumentException("daemonSpinUs must be 0.." + MAX_DAEMON_SPIN_US + ", got " + daemonSpinUs);
        }
        if (!transport.equals("epoll") && !transport.equals("io_uring")) {
            throw new IllegalArgumentException("transport must be epoll or io_uring, got " + transport);
        }
        if (transport.equals("io_uring") && host.startsWith("unix:")) {
            throw new IllegalArgumentException("a unix socket needs transport epoll: Vert.x's io_uring transport has none");
        }
        if (maxConnections < 1 || maxTubes < 1) {
            throw new IllegalArgumentException("maxConnections and maxTubes must be at least 1");
        }
        if (maxJobBytes < 0) {
            throw new IllegalArgumentException("maxJobBytes must not be negative, got " + maxJobBytes);
        }
        if (slowClientTimeoutSec < 0) {
            throw new IllegalArgumentException("slowClientTimeout must not be negative, got " + slowClientTimeoutSec);
        }
        if (maxPendingOutput < maxJobSize + 64) {
            // the reply carrying the largest job must fit, or reserving it would drop the worker
            throw new IllegalArgumentException("maxPendingOutput must be at least maxJobSize + 64 = " + (maxJobSize + 64)
                    + ", got " + maxPendingOutput);
        }
        validateTls();
    }

    private void validateTls() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey go together");
        }
        if (tlsCert == null && (tlsCa != null || tlsPort != TLS_ON_MAIN_PORT)) {
            throw new IllegalArgumentException("tlsCa and tlsPort need tlsCert and tlsKey");
        }
        if (tlsCert == null) {
            return;
        }
        if (host.startsWith("unix:")) {
            throw new IllegalArgumentException("TLS is for TCP; it cannot be used with a unix socket (" + host + ")");
        }
        if (tlsPort != TLS_ON_MAIN_PORT && (tlsPort < 0 || tlsPort > 65535)) {
            throw new IllegalArgumentException("tlsPort must be 0..65535, got " + tlsPort);
        }
        for (String file : tlsCa == null ? new String[] {tlsCert, tlsKey} : new String[] {tlsCert, tlsKey, tlsCa}) {
            if (!Files.isReadable(Path.of(file))) {
                throw new IllegalArgumentException("cannot read TLS file " + file);
            }
        }
    }

    /** Whether the TCP protocol is served over TLS (on the main port or a port of its own). */
    public boolean tls() {
        return tlsCert != null;
    }

    private static Object value(JsonObject j, Key k) {
        Object v = j.getValue(k.json);
        return v == null ? k.defaultValue : v;
    }

    private static String stringOf(JsonObject j, Key k) {
        return String.valueOf(value(j, k));
    }

    private static String optionalStringOf(JsonObject j, Key k) {
        Object v = j.getValue(k.json);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v);
    }

    private static long longOf(JsonObject j, Key k) {
        Object v = value(j, k);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k.json + " must be a number, got '" + v + "'");
        }
    }

    private static int intOf(JsonObject j, Key k) {
        long v = longOf(j, k);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(k.json + " is out of range: " + v);
        }
        return (int) v;
    }

    private static boolean boolOf(JsonObject j, Key k) {
        Object v = value(j, k);
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase();
        if (s.equals("true") || s.equals("1") || s.equals("yes")) {
            return true;
        }
        if (s.equals("false") || s.equals("0") || s.equals("no")) {
            return false;
        }
        throw new IllegalArgumentException(k.json + " must be true or false, got '" + v + "'");
    }
}
