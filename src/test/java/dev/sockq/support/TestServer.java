package dev.sockq.support;

import dev.sockq.SockqServer;
import dev.sockq.config.SockqConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A real sockq server on an ephemeral loopback port, in its own Vert.x, for one test. */
public final class TestServer implements AutoCloseable {
    private final Vertx vertx;
    private final SockqServer server;
    private final boolean ownsVertx;

    private TestServer(Vertx vertx, SockqServer server, boolean ownsVertx) {
        this.vertx = vertx;
        this.server = server;
        this.ownsVertx = ownsVertx;
    }

    /** Starts in a Vert.x the test already has (e.g. injected by VertxExtension). */
    public static TestServer start(Vertx vertx, JsonObject overrides) {
        JsonObject conf = new JsonObject().put("port", 0).put("inMemory", true).put("httpPort", -1)
                .mergeIn(overrides);
        SockqServer server = new SockqServer(vertx, SockqConfig.from(conf));
        server.start().await();
        return new TestServer(vertx, server, false);
    }

    public static TestServer start() {
        return start(new JsonObject());
    }

    /** Starts with the given config keys over in-memory, port-0 defaults. */
    public static TestServer start(JsonObject overrides) {
        Vertx vertx = Vertx.vertx();
        TestServer s = start(vertx, overrides);
        return new TestServer(vertx, s.server, true);
    }

    public int port() {
        return server.tcpPort();
    }

    public int httpPort() {
        return server.httpPort();
    }

    /** The TLS port (the TCP port itself when TLS is on the main port), or -1. */
    public int tlsPort() {
        return server.tlsPort();
    }

    public int udpPort() {
        return server.udpPort();
    }

    public int bridgePort() {
        return server.bridgePort();
    }

    public RawClient client() throws java.io.IOException {
        return new RawClient(port());
    }

    /** Starts stopping the server (its Vert.x stays up); completes when everything is undeployed. */
    public io.vertx.core.Future<Void> stopAsync() {
        return server.stop();
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        if (ownsVertx) {
            vertx.close().await();
        } else {
            server.stop().await();
        }
    }
}
