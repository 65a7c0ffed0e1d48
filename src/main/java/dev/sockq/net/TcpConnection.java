package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.Op;
import dev.sockq.bus.SessionOutput;
import dev.sockq.ops.CommandMetrics;
import dev.sockq.ops.RateLimitedWarning;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * One client socket: frames its input, forwards commands to the daemon in read-sized
 * batches, writes the replies back, and applies back-pressure both ways.
 *
 * <p>Reading pauses while the client owes more than {@code maxInFlight} answers or its
 * write queue is full, so a client that never reads its replies cannot grow sockq's memory.
 * Reading also pauses, and the slow-client clock runs, while more reply bytes than
 * {@link TcpOptions#outputBound()} wait to be written; a client still above it after the
 * slow-client timeout, or owed more than the pending-output cap at any moment, is dropped (the
 * daemon then returns its reserved jobs to ready).
 */
final class TcpConnection {
    private final long sessionId;
    private final NetSocket socket;
    private final CommandFramer framer;
    private final int maxInFlight;
    private final Consumer<SessionInput> toDaemon;
    private final CommandMetrics metrics;
    private final Vertx vertx;
    private final long slowClientTimeoutMs;
    private final long maxPendingOutput;
    private final long outputBound;
    private final RateLimitedWarning drops;
    /** Reply bytes handed to the socket that it has not written to the kernel yet. */
    private long pendingOutput;
    private long slowTimer = -1;
    /** Commands sent and not answered yet, oldest first: op and arrival time (answers come in order). */
    private final Op[] inFlightOps;
    private final long[] inFlightSince;
    private int head;
    private int inFlight;
    private boolean paused;
    private boolean closed;
    private boolean inputEnded;
    private boolean shuttingDown;

    TcpConnection(long sessionId, NetSocket socket, TcpOptions options, Consumer<SessionInput> toDaemon,
                  CommandMetrics metrics, Vertx vertx, RateLimitedWarning drops) {
        this.sessionId = sessionId;
        this.socket = socket;
        this.framer = new CommandFramer(options.maxJobSize());
        this.maxInFlight = options.maxInFlight();
        this.toDaemon = toDaemon;
        this.metrics = metrics;
        this.vertx = vertx;
        this.slowClientTimeoutMs = options.slowClientTimeoutMs();
        this.maxPendingOutput = options.maxPendingOutput();
        this.outputBound = options.outputBound();
        this.drops = drops;
        this.inFlightOps = new Op[maxInFlight];
        this.inFlightSince = new long[maxInFlight];
    }

    void start() {
        socket.handler(this::onData);
        socket.drainHandler(v -> pump());
    }

    private void onData(Buffer data) {
        framer.feed(data);
        pump();
    }

    /** Sends what the framer has, within the in-flight budget, then pauses or resumes reading. */
    private void pump() {
        if (closed) {
            return;
        }
        ArrayList<Command> batch = null;
        Command c;
        long now = System.nanoTime();
        // commands already read wait in the framer too while the client owes too much
        while (!shuttingDown && inFlight < maxInFlight && pendingOutput <= outputBound && (c = framer.next()) != null) {
            if (batch == null) {
                batch = new ArrayList<>(4);
            }
            batch.add(c);
            int slot = (head + inFlight) % maxInFlight;
            inFlightOps[slot] = c.op;
            inFlightSince[slot] = now;
            inFlight++;
        }
        if (batch != null) {
            toDaemon.accept(SessionInput.commands(sessionId, batch));
        }
        boolean mustPause = inFlight >= maxInFlight || socket.writeQueueFull() || pendingOutput > outputBound;
        if (mustPause && !paused) {
            paused = true;
            socket.pause();
        } else if (!mustPause && paused) {
            paused = false;
            socket.resume();
        }
    }

    void onOutput(SessionOutput out) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (int i = 0; i < out.answered() && inFlight > 0; i++) {
            metrics.record(inFlightOps[head], now - inFlightSince[head]);
            head = (head + 1) % maxInFlight;
            inFlight--;
        }
        int n = out.bytes().length;
        if (n > 0) {
            pendingOutput += n;
            socket.write(Buffer.buffer(out.bytes())).onComplete(ar -> written(n));
            if (pendingOutput > maxPendingOutput) {
                drop("owed " + pendingOutput + " reply bytes, more than maxPendingOutput " + maxPendingOutput);
                return;
            }
            if (slowTimer < 0 && slowClientTimeoutMs > 0 && pendingOutput > outputBound) {
                slowTimer = vertx.setTimer(slowClientTimeoutMs, id -> {
                    slowTimer = -1;
                    if (!closed && pendingOutput > outputBound) {
                        drop("read too little of its replies for " + slowClientTimeoutMs + " ms (slowClientTimeout)");
                    }
                });
            }
        }
        if (out.close()) {
            hangUp(); // after quit, or dropped by the daemon for asking more than it may be owed
            return;
        }
        if (paused || framer.hasInput()) {
            pump();
        }
        closeIfDone();
        if (shuttingDown) {
            closeIfIdle();
        }
    }

    /**
     * The server is stopping: read nothing more, and close once the commands already read are
     * answered. A connection whose oldest open command is a reserve is only waiting for a job:
     * it closes at once (a job handed to it meanwhile goes back to ready).
     */
    void onShutdown() {
        shuttingDown = true;
        socket.pause();
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (!closed && (inFlight == 0 || inFlightOps[head] == Op.RESERVE || inFlightOps[head] == Op.RESERVE_WITH_TIMEOUT)) {
            hangUp();
        }
    }

    /** The client half-closed: answer what it sent, then close. */
    void onInputEnded() {
        inputEnded = true;
        pump();
        closeIfDone();
    }

    private void closeIfDone() {
        if (inputEnded && inFlight == 0 && !closed) {
            hangUp();
        }
    }

    /** The kernel took {@code n} reply bytes: below the bound again, the client is read again and its clock stops. */
    private void written(int n) {
        pendingOutput -= n;
        if (pendingOutput <= outputBound && !closed) {
            cancelSlowTimer();
            if (paused) {
                pump();
            }
        }
    }

    /** Hangs up on a client that would make sockq hold its replies without bound. */
    private void drop(String why) {
        drops.warn("dropped client " + socket.remoteAddress() + ": " + why);
        hangUp();
    }

    /**
     * Closes after the replies still queued. A client owed more than the bound is cut off at
     * once, and one that does not read the rest within the slow-client timeout is cut off then:
     * a graceful close waits for the client to read, possibly forever, and its reserved jobs
     * only go back to ready once the connection is gone.
     */
    private void hangUp() {
        closed = true;
        cancelSlowTimer();
        if (pendingOutput > outputBound) {
            cut();
            return;
        }
        socket.close();
        if (pendingOutput > 0 && slowClientTimeoutMs > 0) {
            slowTimer = vertx.setTimer(slowClientTimeoutMs, id -> {
                slowTimer = -1;
                cut();
            });
        }
    }

    private void cut() {
        if (socket instanceof NetSocketInternal internal) {
            internal.channelHandlerContext().close(); // from Vert.x's handler on: past its flush-first close
        } else {
            socket.close();
        }
    }

    private void cancelSlowTimer() {
        if (slowTimer >= 0) {
            vertx.cancelTimer(slowTimer);
            slowTimer = -1;
        }
    }

    void onClosed() {
        closed = true;
        cancelSlowTimer();
    }
}
