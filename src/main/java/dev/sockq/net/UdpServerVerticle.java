package dev.sockq.net;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.DatagramReply;
import dev.sockq.bus.Replies;
import dev.sockq.bus.Shards;
import dev.sockq.ops.DatagramCounters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The datagram socket: one put per datagram, sent to the daemon over the event bus; the reply
 * datagram carries the line a TCP client would get.
 */
public final class UdpServerVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(UdpServerVerticle.class);

    private final UdpOptions options;
    private final DatagramCounters counters;
    /** Daemon shards: each datagram goes to its tube's. */
    private final int shards;
    private DatagramSocket socket;

    public UdpServerVerticle(UdpOptions options, DatagramCounters counters, int shards) {
        this.options = options;
        this.counters = counters;
        this.shards = shards;
    }

    /** The bound port, once started. */
    public int actualPort() {
        return socket.localAddress().port();
    }

    @Override
    public Future<?> start() {
        Addresses.registerCodecs(vertx.eventBus());
        // One byte more than the largest accepted datagram: a datagram that fills the buffer was too big.
        socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(options.maxDatagram() + 1)
                .setReusePort(options.reusePort()));
        socket.handler(this::onDatagram);
        socket.exceptionHandler(e -> log.debug("udp: {}", e.toString()));
        return socket.listen(options.port(), options.host());
    }

    private void onDatagram(DatagramPacket packet) {
        counters.received.increment();
        byte[] data = packet.data().getBytes();
        if (data.length > options.maxDatagram()) {
            reject(packet, data.length, Replies.JOB_TOO_BIG);
            return;
        }
        DatagramParser.Result r = DatagramParser.parse(data, options.maxJobSize());
        if (r.error() != null) {
            reject(packet, data.length, r.error());
            return;
        }
        String daemon = Addresses.ofShard(Addresses.DAEMON_DATAGRAMS, Shards.ofTube(r.put().tube(), shards), shards);
        SocketAddress from = packet.sender();
        vertx.eventBus().<DatagramReply>request(daemon, r.put().from(from.host(), from.port()), Addresses.LOCAL).onComplete(ar -> {
            if (ar.failed()) {
                log.warn("udp: daemon did not answer: {}", ar.cause().toString());
                reply(packet, data.length, Replies.INTERNAL_ERROR);
                return;
            }
            DatagramReply reply = ar.result().body();
            if (reply.duplicate()) {
                counters.duplicates.increment();
            } else if (reply.line().startsWith("INSERTED")) {
                counters.inserted.increment();
            } else {
                counters.rejected.increment();
            }
            reply(packet, data.length, reply.line());
        });
    }

    private void reject(DatagramPacket packet, int requestSize, String line) {
        counters.rejected.increment();
        reply(packet, requestSize, line);
    }

    /** Replies unless switched off, and never with more bytes than the request had (no amplification). */
    private void reply(DatagramPacket packet, int requestSize, String line) {
        if (!options.replies() || line.length() > requestSize) {
            return;
        }
        SocketAddress to = packet.sender();
        socket.send(Buffer.buffer(line.getBytes(StandardCharsets.US_ASCII)), to.port(), to.host())
                .onFailure(e -> log.debug("udp: reply to {} failed: {}", to, e.toString()));
    }

    @Override
    public Future<?> stop() {
        return socket == null ? Future.succeededFuture() : socket.close();
    }
}
