package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionOutput;
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
    private int inFlight;
    private boolean paused;
    private boolean closed;
    private boolean inputEnded;

    TcpConnection(long sessionId, NetSocket socket, long maxJobSize, int maxInFlight,
                  Consumer<SessionInput> toDaemon) {
        this.sessionId = sessionId;
        this.socket = socket;
        this.framer = new CommandFramer(maxJobSize);
        this.maxInFlight = maxInFlight;
        this.toDaemon = toDaemon;
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
        while (inFlight < maxInFlight && (c = framer.next()) != null) {
            if (batch == null) {
                batch = new ArrayList<>(4);
            }
            batch.add(c);
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
        inFlight -= out.answered();
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
