package dev.sockq.daemon;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.DatagramPut;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionOutput;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.List;

/**
 * The daemon as a worker verticle: consumes session traffic from the event bus, runs it
 * through the single-threaded {@link Daemon}, sends the replies back, and keeps one timer
 * armed for the daemon's next deadline.
 */
public final class DaemonVerticle extends VerticleBase {
    private final Clock clock;
    private final DaemonOptions options;
    private Daemon daemon;
    private EventBus bus;
    private long timerId = -1;
    private long timerAt = Long.MAX_VALUE;

    public DaemonVerticle(DaemonOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        bus = vertx.eventBus();
        Addresses.registerCodecs(bus);
        daemon = new Daemon(options.maxJobSize(), clock, ServerInfo.current());
        daemon.setDedupe(options.dedupeWindowMs(), options.dedupeMaxTokens());
        daemon.setExtraStats(options.extraStats());
        MessageConsumer<SessionInput> sessions = bus.localConsumer(Addresses.DAEMON_SESSIONS, m -> handle(m.body()));
        MessageConsumer<DatagramPut> datagrams = bus.localConsumer(Addresses.DAEMON_DATAGRAMS, m -> {
            DatagramPut p = m.body();
            m.reply(daemon.putDatagram(p.token(), p.tube(), p.put()));
            flush();
        });
        return Future.all(sessions.completion(), datagrams.completion());
    }

    private void handle(SessionInput in) {
        switch (in.kind()) {
            case OPEN -> daemon.open(in.sessionId(), in.replyAddress());
            case COMMANDS -> daemon.submit(in.sessionId(), in.commands());
            case CLOSE -> daemon.close(in.sessionId());
        }
        flush();
    }

    private void flush() {
        List<Session> dirty = daemon.takeDirty();
        for (Session s : dirty) {
            bus.send((String) s.route(), new SessionOutput(s.id(), s.takeOutput(), s.takeAnswered(), s.closeRequested()));
        }
        rearm();
    }

    /** Keeps exactly one timer, set for the daemon's earliest deadline. */
    private void rearm() {
        long at = daemon.nextWakeupAt();
        if (at == timerAt) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        timerAt = at;
        if (at != Long.MAX_VALUE) {
            long delay = Math.max(1, at - clock.nowMillis());
            timerId = vertx.setTimer(delay, id -> {
                timerId = -1;
                timerAt = Long.MAX_VALUE;
                daemon.tick();
                flush();
            });
        }
    }
}
