package dev.sockq.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** A pipelining beanstalkd client on one Vert.x TCP connection; every command answers with a Future. */
public final class BeanstalkClient {
    private static final String DEFAULT_TUBE = "default";

    private final Vertx vertx;
    private final ClientOptions options;
    private final NetClient net;
    // Every mutable field below is touched only on this context's thread, so no locks: commands issued
    // from other threads hop onto it, and the reply order then matches the write order by construction.
    private final Context context;
    private final Deque<Pending<?>> inflight = new ArrayDeque<>();
    private final List<Queued> waitingForConnection = new ArrayList<>();
    private final Set<String> watched = new LinkedHashSet<>(List.of(DEFAULT_TUBE));
    private String used = DEFAULT_TUBE;
    private NetSocket socket;
    private boolean connecting;
    private boolean closed;
    private String closeReason;

    private record Pending<T>(Promise<T> promise, Function<Reply, T> decode, boolean quit) {
        void complete(Reply reply) {
            T value;
            try {
                value = decode.apply(reply);
            } catch (RuntimeException e) {
                promise.fail(e);
                return;
            }
            promise.complete(value);
        }
    }

    /** A command issued while the connection is being (re)opened. */
    private record Queued(Buffer command, Pending<?> pending) {
    }

    private BeanstalkClient(Vertx vertx, ClientOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        this.context = vertx.getOrCreateContext();
    }

    /** Opens the connection (one attempt; reconnectAttempts govern only later re-opens). */
    public static Future<BeanstalkClient> connect(Vertx vertx, ClientOptions options) {
        BeanstalkClient client = new BeanstalkClient(vertx, options);
        Promise<BeanstalkClient> ready = Promise.promise();
        client.context.runOnContext(v -> client.open(1).onComplete(ar -> {
            if (ar.succeeded()) {
                client.attach(ar.result());
                ready.complete(client);
            } else {
                client.net.close();
                ready.fail(ar.cause());
            }
        }));
        return ready.future();
    }

    public Future<String> use(String tube) {
        return send(line("use " + tube), r -> used = r.expect("USING").arg(1));
    }

    public Future<Integer> watch(String tube) {
        return send(line("watch " + tube), r -> {
            int count = (int) r.expect("WATCHING").longArg(1);
            watched.add(tube);
            return count;
        });
    }

    public Future<Integer> ignore(String tube) {
        return send(line("ignore " + tube), r -> {
            int count = (int) r.expect("WATCHING").longArg(1);
            watched.remove(tube);
            return count;
        });
    }

    /** Puts a job into the used tube; the Future holds its id. */
    public Future<Long> put(long pri, long delaySec, long ttrSec, byte[] body) {
        Buffer b = Buffer.buffer(body.length + 48)
                .appendString("put " + pri + " " + delaySec + " " + ttrSec + " " + body.length + "\r\n")
                .appendBytes(body).appendString("\r\n");
        return send(b, r -> r.expect("INSERTED").longArg(1));
    }

    public Future<Job> reserve() {
        return send(line("reserve"), r -> job(r, "RESERVED"));
    }

    /** Fails with TIMED_OUT if no job comes within {@code seconds}. */
    public Future<Job> reserveWithTimeout(int seconds) {
        return send(line("reserve-with-timeout " + seconds), r -> job(r, "RESERVED"));
    }

    public Future<Void> delete(long id) {
        return simple("delete " + id, "DELETED");
    }

    public Future<Void> release(long id, long pri, long delaySec) {
        return simple("release " + id + " " + pri + " " + delaySec, "RELEASED");
    }

    public Future<Void> bury(long id, long pri) {
        return simple("bury " + id + " " + pri, "BURIED");
    }

    public Future<Void> touch(long id) {
        return simple("touch " + id, "TOUCHED");
    }

    /** Kicks up to {@code bound} jobs in the used tube; the Future holds how many were kicked. */
    public Future<Integer> kick(int bound) {
        return send(line("kick " + bound), r -> (int) r.expect("KICKED").longArg(1));
    }

    public Future<Void> kickJob(long id) {
        return simple("kick-job " + id, "KICKED");
    }

    public Future<Job> peek(long id) {
        return send(line("peek " + id), r -> job(r, "FOUND"));
    }

    public Future<Job> peekReady() {
        return send(line("peek-ready"), r -> job(r, "FOUND"));
    }

    public Future<Job> peekDelayed() {
        return send(line("peek-delayed"), r -> job(r, "FOUND"));
    }

    public Future<Job> peekBuried() {
        return send(line("peek-buried"), r -> job(r, "FOUND"));
    }

    public Future<Map<String, String>> statsJob(long id) {
        return send(line("stats-job " + id), r -> Yaml.dict(data(r)));
    }

    public Future<Map<String, String>> statsTube(String tube) {
        return send(line("stats-tube " + tube), r -> Yaml.dict(data(r)));
    }

    public Future<Map<String, String>> stats() {
        return send(line("stats"), r -> Yaml.dict(data(r)));
    }

    public Future<List<String>> listTubes() {
        return send(line("list-tubes"), r -> Yaml.list(data(r)));
    }

    public Future<String> listTubeUsed() {
        return send(line("list-tube-used"), r -> r.expect("USING").arg(1));
    }

    public Future<List<String>> listTubesWatched() {
        return send(line("list-tubes-watched"), r -> Yaml.list(data(r)));
    }

    public Future<Void> pauseTube(String tube, long delaySec) {
        return simple("pause-tube " + tube + " " + delaySec, "PAUSED");
    }

    /** Asks the server to close the connection; completes when it has. The next command reconnects, if allowed. */
    public Future<Void> quit() {
        return send(line("quit"), r -> {
            throw new BeanstalkException(r.line());
        }, true);
    }

    /** Closes the connection for good; commands in flight and later ones fail. */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            failWaiting(new VertxException("client closed", true));
            Future<Void> sock = socket == null ? Future.succeededFuture() : socket.close();
            sock.eventually(() -> net.close()).onComplete(done);
        });
        return done.future();
    }

    private Future<Void> simple(String command, String success) {
        return send(line(command), r -> {
            r.expect(success);
            return null;
        });
    }

    private static Job job(Reply r, String word) {
        return new Job(r.expect(word).longArg(1), r.data());
    }

    private static byte[] data(Reply r) {
        return r.expect("OK").data();
    }

    private static Buffer line(String command) {
        return Buffer.buffer(command + "\r\n", StandardCharsets.ISO_8859_1.name());
    }

    private <T> Future<T> send(Buffer command, Function<Reply, T> decode) {
        return send(command, decode, false);
    }

    private <T> Future<T> send(Buffer command, Function<Reply, T> decode, boolean quit) {
        Pending<T> pending = new Pending<>(Promise.promise(), decode, quit);
        if (Vertx.currentContext() == context) {
            dispatch(command, pending);
        } else {
            context.runOnContext(v -> dispatch(command, pending));
        }
        return pending.promise().future();
    }

    private void dispatch(Buffer command, Pending<?> pending) {
        if (closed) {
            pending.promise().fail(new VertxException("client closed", true));
        } else if (socket != null) {
            // enqueue and write in one step on one thread: the FIFO of pendings is the order on the wire
            inflight.add(pending);
            socket.write(command);
        } else {
            waitingForConnection.add(new Queued(command, pending));
            if (!connecting) {
                reconnect();
            }
        }
    }

    private void reconnect() {
        if (options.reconnectAttempts() == 0) {
            failWaiting(new VertxException(closeReason == null ? "connection closed" : closeReason, true));
            return;
        }
        connecting = true;
        open(options.reconnectAttempts()).onComplete(ar -> {
            connecting = false;
            if (ar.failed() || closed) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                failWaiting(ar.failed() ? ar.cause() : new VertxException("client closed", true));
                return;
            }
            attach(ar.result());
            restoreSession();
            List<Queued> queued = new ArrayList<>(waitingForConnection);
            waitingForConnection.clear();
            queued.forEach(q -> dispatch(q.command(), q.pending()));
        });
    }

    /** A new connection starts on tube default: redo use/watch/ignore so later commands mean the same. */
    private void restoreSession() {
        List<String> commands = new ArrayList<>();
        if (!used.equals(DEFAULT_TUBE)) {
            commands.add("use " + used);
        }
        watched.stream().filter(t -> !t.equals(DEFAULT_TUBE)).forEach(t -> commands.add("watch " + t));
        if (!watched.contains(DEFAULT_TUBE)) {
            commands.add("ignore " + DEFAULT_TUBE);
        }
        // their replies only confirm what the client already believes
        commands.forEach(c -> dispatch(line(c), new Pending<Void>(Promise.promise(), r -> null, false)));
    }

    private Future<NetSocket> open(int attempts) {
        return net.connect(options.port(), options.host()).recover(err -> attempts <= 1 ? Future.failedFuture(err)
                : vertx.timer(options.reconnectInterval().toMillis()).compose(v -> open(attempts - 1)));
    }

    private void attach(NetSocket s) {
        socket = s;
        closeReason = null;
        s.handler(new ReplyParser(this::onReply, problem -> {
            closeReason = "protocol error: " + problem;
            s.close();
        }));
        s.closeHandler(v -> onClose(s));
    }

    private void onReply(Reply reply) {
        Pending<?> pending = inflight.poll();
        if (pending == null) {
            closeReason = "protocol error: unrequested reply '" + reply.line() + "'";
            socket.close();
        } else {
            pending.complete(reply);
        }
    }

    private void onClose(NetSocket s) {
        if (socket != s) {
            return;
        }
        socket = null;
        String reason = closeReason == null ? "connection closed" : closeReason;
        while (!inflight.isEmpty()) {
            Pending<?> p = inflight.poll();
            if (p.quit()) {
                p.promise().complete();
            } else {
                p.promise().fail(new VertxException(reason, true));
            }
        }
    }

    private void failWaiting(Throwable cause) {
        List<Queued> queued = new ArrayList<>(waitingForConnection);
        waitingForConnection.clear();
        queued.forEach(q -> q.pending().promise().fail(cause));
    }
}
