package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.Op;
import dev.sockq.bus.SessionOutput;
import dev.sockq.ops.CommandMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * One client socket: frames its input, forwards commands to the daemon in read-sized
 * batches, writes the replies back, and applies back-pressure both ways.
 *
 * <p>Reading pauses while the client owes more than {@code maxInFlight} answers or its
 * write queue is full, so a client that never reads its replies cannot grow sockq's memory.
 */
final class TcpConnection {
    private final long sessionId;
    private final NetSocket socket;
    private final CommandFramer framer;
    private final int maxInFlight;
    private final Consumer<SessionInput> toDaemon;
    private final CommandMetrics metrics;
    /** Commands sent and not answered yet, oldest first: op and arrival time (answers come in order). */
    private final Op[] inFlightOps;
    private final long[] inFlightSince;
    private int head;
    private int inFlight;
    private boolean paused;
    private boolean closed;
    private boolean inputEnded;
    private boolean shuttingDown;

    TcpConnection(long sessionId, NetSocket socket, long maxJobSize, int maxInFlight,
                  Consumer<SessionInput> toDaemon, CommandMetrics metrics) {
        this.sessionId = sessionId;
        this.socket = socket;
        this.framer = new CommandFramer(maxJobSize);
        this.maxInFlight = maxInFlight;
        this.toDaemon = toDaemon;
        this.metrics = metrics;
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
        while (!shuttingDown && inFlight < maxInFlight && (c = framer.next()) != null) {
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
        boolean mustPause = inFlight >= maxInFlight || socket.writeQueueFull();
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
        if (out.bytes().length > 0) {
            socket.write(Buffer.buffer(out.bytes()));
        }
        if (out.close()) {
            closed = true;
            socket.close();
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
            closed = true;
            socket.close();
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
            closed = true;
            socket.close();
        }
    }

    void onClosed() {
        closed = true;
    }
}
