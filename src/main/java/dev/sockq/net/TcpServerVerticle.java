package dev.sockq.net;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionOutput;
import dev.sockq.bus.SessionOutputs;
import dev.sockq.ops.CommandMetrics;
import dev.sockq.ops.RateLimitedWarning;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream socket: a NetServer speaking the beanstalkd protocol. Each instance runs on one
 * event loop; commands go to the daemon over the event bus and replies come back on this
 * instance's own output address.
 */
public final class TcpServerVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(TcpServerVerticle.class);
    /** Session ids are unique in the JVM, across all socket verticles. */
    static final AtomicLong SESSION_IDS = new AtomicLong();

    private final TcpOptions options;
    private final ConnectionLimit connectionLimit;
    private final RateLimitedWarning drops = new RateLimitedWarning(log, 10, TimeUnit.SECONDS);
    private final Map<Long, TcpConnection> connections = new HashMap<>();
    /** Daemon shards; with more than one, each connection talks to them through a {@link ShardRouter}. */
    private final int shards;
    private final Map<Long, ShardRouter> routers = new HashMap<>();
    private NetServer server;
    /** What this instance's connections send the daemon, one message per shard per event-loop turn. */
    private TurnBatcher batcher;
    private String outputAddress;
    private CommandMetrics metrics;
    /** Set while stopping; completes when the last connection has closed. */
    private Promise<Void> stopping;

    public TcpServerVerticle(TcpOptions options, ConnectionLimit connectionLimit, int shards) {
        this.options = options;
        this.connectionLimit = connectionLimit;
        this.shards = shards;
    }

    /** The bound port, once started (0 on a unix domain socket). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        Addresses.registerCodecs(vertx.eventBus());
        metrics = CommandMetrics.fromVertx();
        outputAddress = Addresses.SESSION_OUTPUT_PREFIX + "tcp." + System.identityHashCode(this) + "." + SESSION_IDS.incrementAndGet();
        batcher = new TurnBatcher(context, vertx.eventBus(), shards);
        MessageConsumer<SessionOutputs> consumer = vertx.eventBus().localConsumer(outputAddress, m -> {
            for (SessionOutput out : m.body().outputs()) {
                TcpConnection c = connections.get(out.sessionId());
                if (c != null) {
                    c.onOutput(out);
                }
            }
        });
        List<Future<?>> registered = new ArrayList<>(List.of(consumer.completion()));
        for (int k = 0; k < shards && shards > 1; k++) {
            int shard = k;
            registered.add(vertx.eventBus().<SessionOutputs>localConsumer(shardOutput(k), m -> {
                for (SessionOutput out : m.body().outputs()) {
                    ShardRouter r = routers.get(out.sessionId());
                    if (r != null) {
                        r.onShardOutput(shard, out);
                    }
                }
            }).completion());
        }
        Future<?> consumers = Future.all(registered);
        NetServerOptions netOptions = new NetServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                .setTcpNoDelay(true);
        if (options.tls() != null) {
            options.tls().applyTo(netOptions);
        }
        server = vertx.createNetServer(netOptions);
        server.connectHandler(this::accept);
        // failed TLS handshakes (plaintext on the TLS port, no client certificate) land here: the
        // connection is closed and others go on, so it is not worth more than a debug line
        server.exceptionHandler(e -> log.debug("tcp: {}", e.toString()));
        // beanstalkd's `-l unix:PATH`: a unix domain socket instead of TCP (needs the native transport)
        if (options.host().startsWith("unix:")) {
            removeStaleSocket(Path.of(options.host().substring(5)));
            return consumers.compose(v ->
                    server.listen(SocketAddress.domainSocketAddress(options.host().substring(5))));
        }
        return consumers.compose(v -> server.listen());
    }

    /** A socket file left by a process that was killed would make the bind fail, as beanstalkd knows. */
    private static void removeStaleSocket(Path path) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    && Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            log.warn("cannot remove old socket file {}: {}", path, e.toString());
        }
    }

    private void accept(NetSocket socket) {
        if (stopping != null) {
            socket.close(); // stopping: accept nothing new
            return;
        }
        if (!connectionLimit.tryAcquire()) {
            socket.close();
            return;
        }
        long id = SESSION_IDS.incrementAndGet();
        ShardRouter router;
        TcpConnection c;
        if (shards == 1) {
            router = null;
            c = new TcpConnection(id, socket, options, this::send, metrics, vertx, drops);
            connections.put(id, c);
            send(SessionInput.open(id, outputAddress));
        } else {
            router = new ShardRouter(id, shards, batcher::add, out -> {
                        // what the router sent while answering (an UNUSE after a `use` moved shards, a
                        // CANCEL_WAIT after a reserve was served) reaches the shards before the client
                        // hears the answer: a client on another event loop must not see them as before
                        batcher.flush();
                        TcpConnection conn = connections.get(id);
                        if (conn != null) {
                            conn.onOutput(out);
                        }
                    });
            c = new TcpConnection(id, socket, options, in -> router.submit(in.commands()), metrics, vertx, drops);
            connections.put(id, c);
            routers.put(id, router);
            router.open(this::shardOutput);
        }
        socket.closeHandler(v -> {
            connectionLimit.release();
            connections.remove(id);
            c.onClosed();
            if (router == null) {
                send(SessionInput.close(id));
            } else {
                routers.remove(id);
                router.close();
            }
            if (stopping != null && connections.isEmpty()) {
                batcher.flush(); // the daemon may be undeployed right after this verticle: tell it now
                stopping.tryComplete();
            }
        });
        socket.exceptionHandler(e -> log.debug("connection {}: {}", id, e.toString()));
        if (socket instanceof NetSocketInternal internal) {
            // `printf 'stats\r\n' | nc` sends its commands then half-closes: like beanstalkd,
            // answer what was sent before closing, instead of closing on the client's FIN.
            internal.channelHandlerContext().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            internal.eventHandler(event -> {
                if (event instanceof ChannelInputShutdownEvent) {
                    c.onInputEnded();
                }
            });
        }
        c.start();
    }

    /** Where shard {@code k} sends this instance's connections their replies. */
    private String shardOutput(int k) {
        return outputAddress + ".shard." + k;
    }

    private void send(SessionInput in) {
        batcher.add(0, in);
    }

    /**
     * Stops accepting, lets each connection finish the commands it has already sent (connections
     * only waiting in reserve close at once), and closes what is left after the shutdown timeout.
     */
    @Override
    public Future<?> stop() {
        if (server == null) {
            return Future.succeededFuture();
        }
        stopping = Promise.promise();
        if (connections.isEmpty()) {
            stopping.tryComplete();
        }
        for (TcpConnection c : List.copyOf(connections.values())) {
            c.onShutdown();
        }
        long timer = vertx.setTimer(Math.max(1, options.shutdownTimeoutMs()), t -> stopping.tryComplete());
        return stopping.future().compose(v -> {
            vertx.cancelTimer(timer);
            // also closes any connection still open after the timeout; their CLOSEs go out before stop ends
            return server.close().onComplete(ar -> batcher.flush());
        });
    }
}
