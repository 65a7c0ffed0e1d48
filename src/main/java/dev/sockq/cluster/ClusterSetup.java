package dev.sockq.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a clustered Vert.x on Hazelcast with sockq's cluster config (loopback unless told otherwise). */
public final class ClusterSetup {
    /** Read when present and no cluster config file is named. */
    public static final String DEFAULT_FILE = "conf/cluster.xml";
    /** conf/cluster.xml as built into the jar (the pom copies it where vertx-hazelcast looks too). */
    static final String BUILT_IN = "cluster.xml";

    private ClusterSetup() {
    }

    /**
     * The Hazelcast config: {@code file} if given (XML or YAML, by extension), else
     * {@link #DEFAULT_FILE} if present, else the built-in loopback config.
     *
     * @throws IllegalArgumentException with a one-line reason if the file cannot be read or parsed
     */
    public static Config hazelcastConfig(String file) {
        String path = file != null && !file.isBlank() ? file
                : Files.isRegularFile(Path.of(DEFAULT_FILE)) ? DEFAULT_FILE : null;
        if (path != null && !Files.isReadable(Path.of(path))) {
            throw new IllegalArgumentException("cannot read cluster config file " + path);
        }
        try {
            return path == null ? Config.loadFromClasspath(ClusterSetup.class.getClassLoader(), BUILT_IN)
                    : Config.loadFromFile(new File(path));
        } catch (IOException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            throw new IllegalArgumentException("bad cluster config " + (path != null ? path : BUILT_IN) + ": " + reason);
        }
    }

    /**
     * Starts a clustered Vert.x whose event bus listens on {@code busHost:busPort} (port 0 = any
     * free port); other nodes connect there, so with real hosts it must be reachable from them.
     *
     * @param builder a builder already holding the caller's options (metrics and so on), or null
     */
    public static Future<Vertx> start(VertxBuilder builder, VertxOptions options, Config hazelcast,
            String busHost, int busPort) {
        EventBusOptions bus = options.getEventBusOptions();
        bus.setHost(busHost).setPort(busPort).setClusterPublicHost(busHost);
        VertxBuilder b = builder != null ? builder : Vertx.builder();
        return b.with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
    }

    /** A clustered Vert.x for a client of sockq (tests, examples): default options, loopback bus. */
    public static Future<Vertx> join(String configFile) {
        return start(null, new VertxOptions(), hazelcastConfig(configFile), "127.0.0.1", 0);
    }
}
