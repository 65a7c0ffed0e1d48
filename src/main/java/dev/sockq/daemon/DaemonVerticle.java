package dev.sockq.daemon;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.DatagramPut;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionInputs;
import dev.sockq.bus.SessionOutput;
import dev.sockq.bus.SessionOutputs;
import dev.sockq.bus.Shards;
import dev.sockq.bus.api.BusApi;
import dev.sockq.bus.push.PushDispatcher;
import dev.sockq.journal.Journal;
import dev.sockq.journal.JournalOptions;
import dev.sockq.ops.JournalMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon as a worker verticle: consumes session traffic from the event bus, runs it
 * through the single-threaded {@link Daemon}, sends the replies back, and keeps one timer
 * armed for the daemon's next deadline. With a journal under fsync "always", replies wait
 * until the records made before them are on disk; replies are never reordered.
 */
public final class DaemonVerticle extends VerticleBase {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DaemonVerticle.class);
    private final DaemonOptions options;
    private final Clock clock;
    private Daemon daemon;
    private Journal journal;
    /** The same journal, published for /ready on the ops thread (the field above is read on every reply). */
    private volatile Journal watchedJournal;
    private EventBus bus;
    private long timerId = -1;
    private long timerAt = Long.MAX_VALUE;
    private long fsyncTimer = -1;
    private Future<Void> apiRegistered;
    /** Under fsync always: replies (and datagram answers) waiting for the next commit, in order. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    /** Under fsync always: a commit is queued behind the commands already waiting for this thread. */
    private boolean commitQueued;
    private final List<PushDispatcher> dispatchers = new ArrayList<>();
    /** This thread's task queue, or null on an event loop (--single-thread), where there is no hand-off to save. */
    private IdleSpinQueue idle;
    /** Who the last turn was for, if one client's: a session id, or a datagram sender below -1; else NOBODY. */
    private long lastTalker = NOBODY;
    private static final long NOBODY = -1;

    public DaemonVerticle(DaemonOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    @Override
    public Future<?> start() throws Exception {
        bus = vertx.eventBus();
        Addresses.registerCodecs(bus);
        daemon = new Daemon(options.maxJobSize(), clock, ServerInfo.current());
        daemon.setShard(options.shard(), options.shards());
        if (options.budget() != null) {
            daemon.setBudget(options.budget());
        }
        daemon.setDedupe(options.dedupeWindowMs(), options.dedupeMaxTokens());
        daemon.setExtraStats(options.extraStats());
        daemon.setLimits(options.maxTubes(), options.maxJobBytes(), options.maxSessionOutput());
        if (options.journal() != null) {
            Context ctx = context;
            journal = Journal.open(options.journal(), options.maxJobSize(), task -> ctx.runOnContext(v -> task.run()),
                    daemon.replay());
            watchedJournal = journal;
            if (daemon.jobBytes() > options.maxJobBytes()) {
                log.warn("recovered jobs hold {} bytes, more than maxJobBytes {}: puts answer OUT_OF_MEMORY until jobs are deleted",
                        daemon.jobBytes(), options.maxJobBytes());
            }
            daemon.continueIdsAfter(journal.maxRecoveredId());
            daemon.setDurability(journal);
            journal.attach(daemon::image, daemon::highestJobId);
            journal.observeFsyncs(JournalMetrics.fsyncTimer());
            journal.onAllocation(() -> {
                daemon.resumeStalled();
                flush();
            });
            if (options.journal().fsync() == JournalOptions.Fsync.INTERVAL) {
                fsyncTimer = vertx.setPeriodic(Math.max(1, options.journal().fsyncEveryMs()), id -> journal.forceAsync());
            }
        }
        idle = DaemonThreadPools.queueOfCurrentThread();
        if (idle != null) {
            idle.setSpinNanos(options.spinNanos());
        }
        MessageConsumer<SessionInputs> sessions = bus.localConsumer(address(Addresses.DAEMON_SESSIONS), m -> {
            List<SessionInput> inputs = m.body().inputs(); // one socket verticle's event-loop turn
            inputs.forEach(this::apply);
            flush();
            spinIfAlone(inputs.size() == 1 ? inputs.get(0).sessionId() : NOBODY);
        });
        MessageConsumer<DatagramPut> datagrams = bus.localConsumer(address(Addresses.DAEMON_DATAGRAMS), this::handleDatagram);
        MessageConsumer<String> control = bus.localConsumer(address(Addresses.DAEMON_CONTROL), m -> {
            if ("drain".equals(m.body())) {
                daemon.setDraining(true);
                log.info("drain mode: new jobs are refused with DRAINING");
            } else if ("snapshot".equals(m.body())) {
                m.reply(daemon.snapshot().withWakeupsSaved(idle == null ? 0 : idle.caught()));
            } else if ("serve-api".equals(m.body())) {
                serveApi().onSuccess(v -> m.reply(null)).onFailure(e -> m.fail(500, e.toString()));
            }
        });
        Future<Void> api = options.busApi() ? serveApi() : Future.succeededFuture();
        for (int i = 0; i < options.push().size(); i++) {
            if (Shards.ofTube(options.push().get(i).tube(), options.shards()) != options.shard()) {
                continue; // another shard's tube: that shard dispatches it
            }
            PushDispatcher d = new PushDispatcher(options.push().get(i), bus, daemon, options.pushCounters().get(i),
                    this::send, this::flush);
            dispatchers.add(d);
            d.start();
        }
        flush();
        return Future.all(sessions.completion(), datagrams.completion(), control.completion(), api);
    }

    private String address(String daemonAddress) {
        return Addresses.ofShard(daemonAddress, options.shard(), options.shards());
    }

    /** Registers the public API once: at start, or when a cluster elects this node to serve it. */
    private Future<Void> serveApi() {
        if (apiRegistered == null) {
            apiRegistered = new BusApi(daemon, options.maxJobSize(), this::send, this::flush)
                    .register(bus, options.shard(), options.shards());
        }
        return apiRegistered;
    }

    private void apply(SessionInput in) {
        switch (in.kind()) {
            case OPEN -> daemon.open(in.sessionId(), in.replyAddress());
            case COMMANDS -> daemon.submit(in.sessionId(), in.commands());
            case CLOSE -> daemon.close(in.sessionId());
            case CANCEL_WAIT -> daemon.cancelWait(in.sessionId());
        }
    }

    private void handleDatagram(Message<DatagramPut> m) {
        DatagramPut p = m.body();
        var reply = daemon.putDatagram(p.token(), p.tube(), p.put());
        send(() -> m.reply(reply));
        flush();
        spinIfAlone(-2 - (p.sender() & Long.MAX_VALUE >>> 1)); // below NOBODY: never a session's id
    }

    /**
     * Lets the thread spin before it parks when one client talks alone: its turns come back to back
     * with nobody else's between. Many clients keep the thread busy, and over several event loops or
     * shards their turns are often single ones too, so one lone turn is not enough.
     *
     * @param talker the session (>= 0) or datagram sender (< -1) the turn was for, or NOBODY
     */
    private void spinIfAlone(long talker) {
        if (idle != null) {
            idle.spinNext(talker != NOBODY && talker == lastTalker);
            lastTalker = talker;
        }
    }

    private void flush() {
        List<Session> dirty = daemon.takeDirty();
        Map<String, List<SessionOutput>> byAddress = null; // one message per socket verticle
        for (Session s : dirty) {
            if (s.route() instanceof DetachedRoute route) {
                route.deliver(s);
                continue;
            }
            if (s.route() == null) {
                s.takeOutput(); // the bus owner: its replies were taken as they were made
                continue;
            }
            if (byAddress == null) {
                byAddress = new LinkedHashMap<>(4);
            }
            byAddress.computeIfAbsent((String) s.route(), a -> new ArrayList<>(8))
                    .add(new SessionOutput(s.id(), s.takeOutput(), s.takeAnswered(), s.closeRequested()));
        }
        if (byAddress != null) {
            byAddress.forEach((address, outputs) -> {
                SessionOutputs batch = new SessionOutputs(outputs);
                send(() -> bus.send(address, batch, Addresses.LOCAL));
            });
        }
        if (journal != null) {
            if (journal.fsyncAlways()) {
                queueCommit();
            } else {
                journal.writeAsync(this::written);
            }
            journal.maintain();
        }
        rearm();
    }

    /**
     * Group commit under fsync always: the first record after a commit queues the next one
     * behind every command already waiting for this thread (those that piled up during the last
     * fsync), so one write and one fsync serve all of them, on this thread, with no hand-off. The
     * commit goes through the queue twice, so commands that arrive while the first pass runs join
     * it too (put c=50: about 10% more puts/s than one pass, over 2 x 3 rounds).
     */
    private void queueCommit() {
        if (commitQueued || (!journal.hasPending() && held.isEmpty())) {
            return;
        }
        commitQueued = true;
        context.runOnContext(v -> context.runOnContext(w -> {
            commitQueued = false;
            if (!journal.commitNow(this::queueCommit)) {
                return; // the disk failed: replies stay held until the journal's retry lands and calls back
            }
            while (!held.isEmpty()) {
                held.poll().run();
            }
            journal.maintain();
        }));
    }

    /** Sends now, or after the next commit when records made before it are not on disk yet. */
    private void send(Runnable reply) {
        if (journal != null && journal.fsyncAlways() && (!held.isEmpty() || journal.hasPending())) {
            held.add(reply);
        } else {
            reply.run();
        }
    }

    /** fsync never or every MS: replies never wait; a finished write starts the next one. */
    private void written() {
        journal.writeAsync(this::written); // what was appended meanwhile: one more write
        journal.maintain();
    }

    /**
     * Keeps one timer, set no later than the daemon's earliest deadline. A deadline that moved later
     * (the job with the earliest TTR was deleted: in a busy cycle, after nearly every batch) keeps
     * the timer as it is; it fires early, finds nothing due and re-arms. Re-arming every batch
     * cost 2% of the server's CPU under cycle c=50 (a cancel and a schedule on the event loop).
     */
    private void rearm() {
        long at = daemon.nextWakeupAt();
        if (at >= timerAt) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        timerAt = at;
        timerId = vertx.setTimer(Math.max(1, at - clock.nowMillis()), id -> {
            timerId = -1;
            timerAt = Long.MAX_VALUE;
            daemon.tick();
            flush();
        });
    }

    /** False while this shard's journal cannot write (a commit is being retried): /ready says no. */
    public boolean journalWriting() {
        Journal j = watchedJournal;
        return j == null || !j.commitFailing();
    }

    @Override
    public Future<?> stop() throws Exception {
        dispatchers.forEach(PushDispatcher::stop);
        if (fsyncTimer >= 0) {
            vertx.cancelTimer(fsyncTimer);
        }
        if (journal != null) {
            journal.close();
            while (!held.isEmpty()) {
                held.poll().run(); // close() wrote and forced everything
            }
        }
        return Future.succeededFuture();
    }
}
