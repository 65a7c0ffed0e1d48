package dev.sockq.net;

import dev.sockq.bus.api.ApiOp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.List;

/**
 * The TCP event-bus bridge for non-JVM services: length-prefixed JSON frames in and out, limited
 * to sockq's public API addresses (and the addresses jobs are pushed to); the daemon's internal
 * addresses stay unreachable.
 */
public final class BusBridgeVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(BusBridgeVerticle.class);

    private final String host;
    private final int port;
    private final List<String> pushAddresses;
    private TcpEventBusBridge bridge;
    private volatile int actualPort = -1;

    /** @param pushAddresses addresses a bridge client may register on to receive pushed jobs */
    public BusBridgeVerticle(String host, int port, List<String> pushAddresses) {
        this.host = host;
        this.port = port;
        this.pushAddresses = List.copyOf(pushAddresses);
    }

    @Override
    public Future<?> start() {
        // what a bridge client may send to: the public API, by exact address, nothing else
        BridgeOptions options = new BridgeOptions();
        for (ApiOp op : ApiOp.values()) {
            options.addInboundPermitted(new PermittedOptions().setAddress(op.address));
        }
        for (String address : pushAddresses) {
            options.addOutboundPermitted(new PermittedOptions().setAddress(address));
        }
        bridge = TcpEventBusBridge.create(vertx, options);
        return bridge.listen(port, host).map(b -> {
            actualPort = port != 0 ? port : boundPort(b);
            log.info("sockq bus bridge tcp={}:{} (sockq.* api{})", host, actualPort,
                    pushAddresses.isEmpty() ? "" : ", push to " + pushAddresses);
            return b;
        });
    }

    /**
     * The port port 0 got. The bridge API does not expose its server, so read it from the one
     * implementation (pinned by the Vert.x BOM); a change there fails the start loudly.
     */
    private static int boundPort(TcpEventBusBridge bridge) {
        try {
            Field server = bridge.getClass().getDeclaredField("server");
            server.setAccessible(true);
            return ((NetServer) server.get(bridge)).actualPort();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot tell the bridge's ephemeral port; give bridgePort a fixed port", e);
        }
    }

    /** The port bound (useful with port 0), or -1 before start. */
    public int actualPort() {
        return actualPort;
    }

    @Override
    public Future<?> stop() {
        return bridge == null ? Future.succeededFuture() : bridge.close();
    }
}
