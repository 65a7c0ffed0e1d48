package dev.sockq.daemon;

import com.carrotsearch.hppc.procedures.LongObjectProcedure;
import dev.sockq.bus.Command;
import dev.sockq.bus.DatagramReply;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import dev.sockq.bus.ShardStats;
import dev.sockq.bus.Shards;
import dev.sockq.ops.RateLimitedWarning;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The queue itself: tubes, jobs, sessions and timers, executing beanstalkd 1.12 commands.
 *
 * <p>Plain single-threaded Java: the {@link DaemonVerticle} calls it from one worker thread,
 * tests call it directly with a fake {@link Clock}. Every public entry point leaves the
 * replies it produced in the sessions returned by {@link #takeDirty()}.
 */
public final class Daemon {
    static final long URGENT_THRESHOLD = 1024;
    /** A waiting reserve answers DEADLINE_SOON this long before one of its jobs' TTR ends. */
    static final long SAFETY_MARGIN_MS = 1000;
    /**
     * A push dispatcher holds a job this much longer than it waits for its consumer, so its own
     * timeout (which releases with backoff) always comes before the TTR would make the job ready.
     */
    static final long DISPATCH_GRACE_MS = 1000;
    /** Key in `stats` and the command it counts, in beanstalkd's order. */
    static final String[][] STATS_OPS = {
        {"cmd-put", "PUT"}, {"cmd-peek", "PEEK"}, {"cmd-peek-ready", "PEEK_READY"},
        {"cmd-peek-delayed", "PEEK_DELAYED"}, {"cmd-peek-buried", "PEEK_BURIED"},
        {"cmd-reserve", "RESERVE"}, {"cmd-reserve-with-timeout", "RESERVE_WITH_TIMEOUT"},
        {"cmd-delete", "DELETE"}, {"cmd-release", "RELEASE"}, {"cmd-use", "USE"},
        {"cmd-watch", "WATCH"}, {"cmd-ignore", "IGNORE"}, {"cmd-bury", "BURY"},
        {"cmd-kick", "KICK"}, {"cmd-touch", "TOUCH"}, {"cmd-stats", "STATS"},
        {"cmd-stats-job", "STATS_JOB"}, {"cmd-stats-tube", "STATS_TUBE"},
        {"cmd-list-tubes", "LIST_TUBES"}, {"cmd-list-tube-used", "LIST_TUBE_USED"},
        {"cmd-list-tubes-watched", "LIST_TUBES_WATCHED"}, {"cmd-pause-tube", "PAUSE_TUBE"},
    };
    private static final String DEFAULT_TUBE = "default";
    /**
     * What a job costs beyond its body when counted against the job-bytes limit: the job
     * object, its map entry and its heap slots (an estimate; it keeps empty jobs from being free).
     */
    public static final long JOB_OVERHEAD = 256;

    /** Snapshot of the global counters for `stats`. */
    static final class Counters {
        long urgent, ready, reserved, delayed, buried, jobTimeouts, totalJobs, maxJobSize;
        long tubes, connections, producers, workers, waiting, totalConnections;
        boolean draining;
        long[] ops;
    }

    private final RateLimitedWarning drops = new RateLimitedWarning(LoggerFactory.getLogger(Daemon.class), 10, TimeUnit.SECONDS);
    private final Clock clock;
    private final ServerInfo info;
    private final long maxJobSize;
    private final long startedAt;

    private final Map<String, Tube> tubesByName = new HashMap<>();
    /** All tubes in beanstalkd's list order (removal moves the last one into the hole). */
    private final ArrayList<Tube> tubes = new ArrayList<>();
    private final Tube defaultTube;
    /** What a shard session uses while the connection's tube lives on another shard: never listed. */
    private final Tube nowhere = new Tube("");
    /** The tube a new connection uses and watches here: "default", or nowhere on a shard that does not own it. */
    private Tube homeTube;
    /** One of several shards: sessions are a shard router's, which decides NOT_IGNORED itself. */
    private boolean sharded;
    private int shard;
    private int idStep = 1;
    /** Every live job by id (primitive keys: no boxed Long and no node per job). */
    private final IdMap<Job> jobs = new IdMap<>();
    /** Connections by session id (primitive keys: no Long boxed for every submit). */
    private final IdMap<Session> sessions = new IdMap<>();
    /** Delayed jobs (until ready) and reserved jobs (until TTR), soonest first. */
    private final Heap<Job> jobTimers = new Heap<>(Job.BY_DEADLINE, Job.TIMER_SLOT);
    /** Waiting sessions with a reserve timeout or a DEADLINE_SOON to announce. */
    private final Heap<Session> sessionTimers = new Heap<>(Session.BY_WAKEUP, Session.TIMER_SLOT);
    /**
     * Tubes with sessions waiting on them, in no useful order (processQueue's pick does not depend
     * on it: job ids are unique); each tube knows its index, so joining and leaving are O(1).
     */
    private final ArrayList<Tube> tubesWithWaiters = new ArrayList<>();
    private final LinkedHashSet<Tube> pausedTubes = new LinkedHashSet<>();
    private final ArrayDeque<Session> runnable = new ArrayDeque<>();
    /** Sessions whose next put waits for journal space being preallocated. */
    private final ArrayDeque<Session> stalled = new ArrayDeque<>();
    private final ArrayList<Session> dirty = new ArrayList<>();

    private Dedupe dedupe = new Dedupe(60_000, 100_000);
    private Durability durability = Durability.NONE;
    private Supplier<String> extraStats = () -> "";
    private long nextJobId = 1;
    /** Ids of detached sessions count down from -1, apart from the transports' ids. */
    private long nextDetachedId = -1;
    private long readyCount, urgentCount, reservedCount, delayedCount, buriedCount;
    private long totalJobs, jobTimeouts, totalConnections, producers, workers, waitingCount;
    private final long[] opCounts = new long[Op.values().length];
    private boolean draining;
    private int maxTubes = Integer.MAX_VALUE;
    private long maxJobBytes = Long.MAX_VALUE;
    private long maxSessionOutput = Long.MAX_VALUE;
    /** Bodies of all live jobs plus {@link #JOB_OVERHEAD} each: the memory the jobs hold. */
    private long jobBytes;
    /** With several shards: the server-wide job bytes and tube count the limits apply to; else null. */
    private ShardBudget budget;

    public Daemon(long maxJobSize, Clock clock, ServerInfo info) {
        this.maxJobSize = maxJobSize;
        this.clock = clock;
        this.info = info;
        this.startedAt = clock.nowMillis();
        this.defaultTube = findOrMakeTube(DEFAULT_TUBE);
        this.homeTube = defaultTube;
    }

    /**
     * Makes this daemon shard {@code index} of {@code count} (before anything else): it issues
     * ids index+1, index+1+count, ..., and lists "default" only if that tube hashes to it.
     * Connections are counted only on the shard owning "default" (every connection opens there).
     */
    public void setShard(int index, int count) {
        this.shard = index;
        this.idStep = count;
        this.sharded = count > 1;
        this.nextJobId = index + 1;
        if (Shards.ofTube(DEFAULT_TUBE, count) != index) {
            tubesByName.remove(DEFAULT_TUBE);
            tubes.remove(defaultTube);
            homeTube = nowhere;
        }
    }

    private boolean countsConnections() {
        return homeTube == defaultTube;
    }

    // ---------------------------------------------------------------- sessions

    /** A client connected; its replies will be tagged with {@code route}. */
    public Session open(long sessionId, Object route) {
        Session s = new Session(sessionId, route);
        s.use = homeTube;
        homeTube.using++;
        if (homeTube != nowhere) {
            s.watch.add(homeTube);
            homeTube.watching++;
        }
        sessions.put(sessionId, s);
        if (countsConnections()) {
            totalConnections++;
        }
        return s;
    }

    /** Commands arrived for a session, in order; unknown sessions (already closed) are ignored. */
    public void submit(long sessionId, List<Command> commands) {
        Session s = sessions.get(sessionId);
        if (s == null || s.closing) {
            return;
        }
        if (commands instanceof RandomAccess) {
            for (int i = 0, n = commands.size(); i < n; i++) { // addAll would allocate an iterator and a lambda
                s.pending.add(commands.get(i));
            }
        } else {
            s.pending.addAll(commands);
        }
        drive(s);
        settle();
    }

    /**
     * A shard router gave up a wait it no longer needs (another shard answered): a session
     * still waiting answers TIMED_OUT now; one already answered is left alone.
     */
    public void cancelWait(long sessionId) {
        Session s = sessions.get(sessionId);
        if (s == null || !s.waiting) {
            return;
        }
        stopWaiting(s);
        reply(s, Replies.TIMED_OUT);
        runnable.add(s);
        settle();
    }

    /** The client went away: its reserved jobs return to ready and its tube references drop. */
    public void close(long sessionId) {
        Session s = sessions.remove(sessionId);
        if (s == null) {
            return;
        }
        if (s.producer) {
            producers--;
        }
        if (s.worker) {
            workers--;
        }
        end(s);
    }

    /** Ends a session: its reserved jobs return to ready, its watches drop. */
    private void end(Session s) {
        s.closed = true;
        s.pending.clear();
        if (s.stalled) {
            stalled.remove(s);
            s.stalled = false;
        }
        if (s.waiting) {
            stopWaiting(s);
        }
        for (Job j = s.reservedJobs.first(); j != null; ) {
            Job next = j.next; // enqueue may hand j to a waiting session, into its list
            unreserve(j);
            enqueue(j, 0);
            j = next;
        }
        if (!s.detached) { // a detached session's use is not counted
            s.use.using--;
            dropIfUnused(s.use);
        }
        for (Tube t : s.watch) {
            t.watching--;
            dropIfUnused(t);
        }
        s.watch.clear();
        settle();
    }

    // ---------------------------------------------------------------- detached sessions (event bus)

    /**
     * A session that is not a connection (event-bus requests, push dispatch), watching
     * {@code watch}; it uses the default tube without counting in its stats.
     */
    public Session openDetached(Object route, List<String> watch) {
        Session s = new Session(nextDetachedId--, route);
        s.detached = true;
        s.use = defaultTube;
        for (String name : watch) {
            Tube t = findOrMakeTube(name);
            if (!s.watch.contains(t)) {
                s.watch.add(t);
                t.watching++;
            }
        }
        return s;
    }

    /** A push dispatcher on {@code tube}: it holds each job for max(TTR, timeoutMs) plus a grace period. */
    public Session openDispatcher(Object route, String tube, long timeoutMs) {
        Session s = openDetached(route, List.of(tube));
        s.dispatchTimeoutMs = Math.max(0, timeoutMs);
        return s;
    }

    /** Ends a detached session; jobs it still holds return to ready. */
    public void closeDetached(Session s) {
        end(s);
    }

    /**
     * Runs one command for a detached session now and returns its reply bytes; with a
     * {@code tube}, the command runs as if the session used it (kick, peek-ready...).
     * Never for reserve commands (see {@link #reserveDetached}).
     */
    public byte[] runDetached(Session s, String tube, Command c) {
        Tube t = tube == null ? defaultTube : findOrMakeTube(tube);
        s.use = t;
        execute(s, c);
        s.use = defaultTube;
        dropIfUnused(t);
        settle();
        s.answered = 0;
        return s.out.take();
    }

    /**
     * An event-bus reserve: one job from the session's watched tubes, waiting up to
     * {@code timeoutSec} (0 = answer at once). The job goes to the session's heir.
     */
    public void reserveDetached(Session s, Session heir, long timeoutSec) {
        opCounts[Op.RESERVE_WITH_TIMEOUT.ordinal()]++;
        s.heir = heir;
        s.credit = 1;
        reserve(s, timeoutSec);
        settle();
    }

    /** Gives a push dispatcher {@code n} more slots; it waits for jobs while it has any. */
    public void grant(Session s, int n) {
        s.credit += n;
        if (!s.waiting && !s.closed && s.credit > 0) {
            startWaiting(s, -1, clock.nowMillis());
            processQueue();
        }
        settle();
    }

    /** Whether {@code s} still holds job {@code id} from the reservation numbered {@code reserves}. */
    public boolean holds(Session s, long id, int reserves) {
        Job j = jobs.get(id);
        return j != null && j.state == JobState.RESERVED && j.reserver == s && j.reserves == reserves;
    }

    /**
     * Returns a job {@code s} holds as if it had never been reserved (a push nobody could take):
     * its `reserves` count goes back down, and it is ready again after {@code delayMs}.
     */
    public void giveBack(Session s, long id, long delayMs) {
        Job j = reservedBy(s, id);
        if (j == null) {
            return;
        }
        unreserve(j);
        j.reserves--;
        long delay = durability.canAccept(-1) ? delayMs : 0; // journal full: ready at once, nothing to record
        if (delay > 0) {
            durability.update(j.id, JobState.DELAYED, j.pri, delay);
        }
        enqueue(j, delay);
        settle();
    }

    /** The tube of a live job, or null. */
    public String tubeOf(long id) {
        Job j = jobs.get(id);
        return j == null ? null : j.tube.name;
    }

    /** Sessions that have output (or must close) since the last call. */
    public List<Session> takeDirty() {
        int n = dirty.size();
        if (n == 0) {
            return List.of();
        }
        // a fresh list each time: a caller may come back in (a detached route's delivery flushes again)
        List<Session> result = n == 1 ? List.of(dirty.get(0))
                : n == 2 ? List.of(dirty.get(0), dirty.get(1)) // a put handed to a waiting worker
                : new ArrayList<>(dirty);
        for (int i = 0; i < n; i++) {
            dirty.get(i).dirty = false;
        }
        dirty.clear();
        return result;
    }

    /** Sets the idempotency window and capacity for datagram tokens. */
    public void setDedupe(long windowMs, int maxTokens) {
        this.dedupe = new Dedupe(windowMs, maxTokens);
    }

    /**
     * Limits against clients that would exhaust memory: past {@code maxTubes} tubes a new tube
     * answers OUT_OF_MEMORY, as does a put past {@code maxJobBytes} (see {@link #jobBytes()});
     * a session whose replies from one batch of commands exceed {@code maxSessionOutput} bytes
     * is dropped (it asked for more than it can be owed).
     */
    public void setLimits(int maxTubes, long maxJobBytes, long maxSessionOutput) {
        this.maxTubes = maxTubes;
        this.maxJobBytes = maxJobBytes;
        this.maxSessionOutput = maxSessionOutput;
    }

    /** The memory the live jobs hold as counted against the limit: bodies plus {@link #JOB_OVERHEAD} each. */
    public long jobBytes() {
        return jobBytes;
    }

    /** Makes the limits count every shard sharing {@code budget} (set after {@link #setShard}, before any job). */
    public void setBudget(ShardBudget budget) {
        this.budget = budget;
        budget.addTubes(tubes.size());
    }

    private long allJobBytes() {
        return budget == null ? jobBytes : budget.jobBytes();
    }

    private int allTubes() {
        return budget == null ? tubes.size() : budget.tubes();
    }

    private void addJobBytes(long n) {
        jobBytes += n;
        if (budget != null) {
            budget.addJobBytes(n);
        }
    }

    /** Records state changes from now on (set after {@link #replay}). */
    public void setDurability(Durability durability) {
        this.durability = durability;
    }

    /**
     * Rebuilds jobs from the journal, before any client is served. Replayed jobs wait outside
     * their tubes (state and wall-clock delay deadline kept on the job) until {@link Replay#finish()}.
     */
    public Replay replay() {
        return new Replay() {
            private String lastName;
            private Tube lastTube;
            /**
             * Live jobs in the order of their first JOB record (null once deleted). finish() walks
             * this rather than the id table: the jobs lie in memory in this order, and ids rise
             * along it so each heap insert is a single comparison. While replaying, a job's
             * tubeIndex holds its place here (it is in no heap until finish()).
             */
            private final ArrayList<Job> order = new ArrayList<>();

            @Override
            public void job(long id, String tube, JobState state, long pri, long delayUntil, long ttrMs, byte[] body,
                            String token, long tokenAt) {
                if (!tube.equals(lastName)) { // records of one tube come in runs
                    lastName = tube;
                    lastTube = findOrMakeTube(tube);
                }
                Job j = new Job(id, lastTube, pri, 0, ttrMs, body, clock.nowMillis());
                j.state = state;
                j.deadlineAt = delayUntil;
                Job old = jobs.put(id, j);
                if (old == null) {
                    j.tubeIndex = order.size();
                    order.add(j);
                } else { // a copy made by compaction: the job keeps its place
                    j.tubeIndex = old.tubeIndex;
                    order.set(j.tubeIndex, j);
                }
                nextJobId = Math.max(nextJobId, Shards.nextIdAfter(id, shard, idStep));
                if (token != null) {
                    dedupe.remember(token, id, clock.nowMillis() - Math.max(0, System.currentTimeMillis() - tokenAt));
                }
            }

            @Override
            public void update(long id, JobState state, long pri, long delayUntil) {
                Job j = jobs.get(id);
                if (j != null) { // else: its JOB record went with a compacted file after it was copied forward
                    j.state = state;
                    j.pri = pri;
                    j.deadlineAt = delayUntil;
                }
            }

            @Override
            public void delete(long id) {
                Job j = jobs.remove(id);
                if (j != null) {
                    order.set(j.tubeIndex, null);
                }
            }

            @Override
            public void finish() {
                long wallNow = System.currentTimeMillis();
                for (int i = 0; i < order.size(); i++) {
                    Job j = order.get(i);
                    if (j == null) {
                        continue;
                    }
                    order.set(i, null);
                    j.tubeIndex = -1;
                    Tube t = j.tube;
                    addJobBytes(j.body.length + JOB_OVERHEAD); // counted, never refused: recovery keeps every job
                    t.jobs++;
                    t.totalJobs++;
                    totalJobs++;
                    if (j.state == JobState.BURIED) {
                        j.deadlineAt = 0;
                        t.buried.add(j);
                        buriedCount++;
                    } else {
                        long delay = j.state == JobState.DELAYED ? Math.max(0, j.deadlineAt - wallNow) : 0;
                        j.delayMs = delay;
                        enqueue(j, delay);
                    }
                }
                order.clear();
                order.trimToSize();
            }
        };
    }

    /** Job ids continue after the highest one the journal has seen, even if that job is gone. */
    public void continueIdsAfter(long id) {
        nextJobId = Math.max(nextJobId, Shards.nextIdAfter(id, shard, idStep));
    }

    /** The highest job id handed out so far. */
    public long highestJobId() {
        return Math.max(0, nextJobId - idStep);
    }

    /** The lasting state of a live job (for the journal's compaction), or null. */
    public JobImage image(long id) {
        Job j = jobs.get(id);
        if (j == null) {
            return null;
        }
        JobState state = j.state == JobState.RESERVED ? JobState.READY : j.state;
        long delay = state == JobState.DELAYED ? Math.max(1, j.deadlineAt - clock.nowMillis()) : 0;
        return new JobImage(j.id, j.tube.name, state, j.pri, delay, j.ttrMs, j.body);
    }

    /** YAML lines appended to `stats` (sockq's own keys, e.g. datagram counters). */
    public void setExtraStats(Supplier<String> extraStats) {
        this.extraStats = extraStats;
    }

    /**
     * A put that came as one datagram, outside any session: into {@code tubeName}, at most once
     * per {@code token} (nullable) within the dedupe window. Returns the reply line, and
     * whether the token was a repeat.
     */
    public DatagramReply putDatagram(String token, String tubeName, Command c) {
        long now = clock.nowMillis();
        if (token != null) {
            long seen = dedupe.lookup(token, now);
            if (seen >= 0) {
                return new DatagramReply("INSERTED " + seen + "\r\n", true);
            }
        }
        return new DatagramReply(putInto(tubeName, c, token), false);
    }

    /** A put outside any session (event bus), into {@code tubeName}; returns the reply line. */
    public String putInto(String tubeName, Command c) {
        return putInto(tubeName, c, null);
    }

    private String putInto(String tubeName, Command c, String token) {
        opCounts[Op.PUT.ordinal()]++;
        if (draining) {
            return Replies.DRAINING;
        }
        Tube t = tubesByName.get(tubeName);
        if (!fitsInMemory(c.body.length) || (t == null && allTubes() >= maxTubes)
                || !durability.canAccept(c.body.length)) {
            return Replies.OUT_OF_MEMORY;
        }
        t = findOrMakeTube(tubeName);
        long id = insert(t, c, token);
        if (token != null) {
            dedupe.remember(token, id, clock.nowMillis());
        }
        settle();
        return "INSERTED " + id + "\r\n";
    }

    /** Drain mode: puts answer DRAINING until it is switched off. */
    public void setDraining(boolean draining) {
        this.draining = draining;
    }

    // ---------------------------------------------------------------- time

    /** When {@link #tick()} next has work to do, in {@link Clock} millis; Long.MAX_VALUE if never. */
    public long nextWakeupAt() {
        long at = Long.MAX_VALUE;
        Job j = jobTimers.peek();
        if (j != null) {
            at = j.deadlineAt;
        }
        Session s = sessionTimers.peek();
        if (s != null) {
            at = Math.min(at, s.wakeAt);
        }
        for (Tube t : pausedTubes) {
            at = Math.min(at, t.unpauseAt);
        }
        return at;
    }

    /** Applies everything that time has made due: delays, TTRs, pauses, reserve timeouts. */
    public void tick() {
        long now = clock.nowMillis();
        for (Job j = jobTimers.peek(); j != null && j.deadlineAt <= now; j = jobTimers.peek()) {
            if (j.state == JobState.DELAYED) {
                removeDelayed(j);
            } else {
                jobTimeouts++;
                j.timeouts++;
                unreserve(j);
            }
            enqueue(j, 0);
        }
        for (Iterator<Tube> it = pausedTubes.iterator(); it.hasNext(); ) {
            Tube t = it.next();
            if (t.unpauseAt <= now) {
                t.pauseMs = 0;
                it.remove();
            }
        }
        processQueue();
        for (Session s = sessionTimers.peek(); s != null && s.wakeAt <= now; s = sessionTimers.peek()) {
            sessionTimers.poll();
            if (!s.waiting) {
                continue;
            }
            if (deadlineSoon(s, now)) {
                stopWaiting(s);
                reply(s, Replies.DEADLINE_SOON);
                runnable.add(s);
            } else if (s.waitUntil <= now) {
                stopWaiting(s);
                reply(s, Replies.TIMED_OUT);
                runnable.add(s);
            } else {
                scheduleWakeup(s, now);
            }
        }
        settle();
    }

    // ---------------------------------------------------------------- command execution

    private void drive(Session s) {
        Command c;
        while (!s.waiting && !s.stalled && !s.closing && !s.closed && (c = s.pending.peek()) != null) {
            if (c.op == Op.PUT && !draining && !durability.canAccept(c.body.length) && durability.spaceComing()) {
                s.stalled = true; // the put stays first in line; resumeStalled() runs it
                stalled.add(s);
                return;
            }
            s.pending.poll();
            execute(s, c);
            if (s.out.size() > maxSessionOutput) {
                dropForOutput(s);
            }
        }
    }

    /** Journal space arrived: sessions whose put was waiting for it go on, in the order they stopped. */
    public void resumeStalled() {
        Session s;
        while ((s = stalled.poll()) != null) {
            s.stalled = false;
            runnable.add(s);
        }
        settle();
    }

    /** The session asked for more reply bytes than it may be owed: discard them and hang up. */
    private void dropForOutput(Session s) {
        drops.warn("dropped session " + s.id + ": its replies to one batch of commands exceed maxPendingOutput "
                + maxSessionOutput + " bytes");
        s.out.discard();
        s.closing = true;
        s.pending.clear();
        if (s.waiting) {
            stopWaiting(s);
        }
        markDirty(s);
    }

    /** Runs sessions unblocked by other sessions' actions until nothing is left to run. */
    private void settle() {
        Session s;
        while ((s = runnable.poll()) != null) {
            drive(s);
        }
    }

    private void execute(Session s, Command c) {
        if (c.op != Op.ERROR) {
            opCounts[c.op.ordinal()]++;
        } else if (c.attempted != null) {
            // beanstalkd counts a put once its line parses, and its sender as a producer once
            // the body is being read (not for JOB_TOO_BIG, whose body is skipped)
            opCounts[c.attempted.ordinal()]++;
            if (c.error.equals(Replies.EXPECTED_CRLF)) {
                markProducer(s);
            }
        }
        switch (c.op) {
            case PUT -> put(s, c);
            case USE -> use(s, c.tube);
            case RESERVE -> {
                s.offering = false;
                reserve(s, -1);
            }
            case RESERVE_WITH_TIMEOUT -> {
                s.offering = false;
                reserve(s, c.count);
            }
            case RESERVE_JOB -> {
                s.offering = false;
                reserveJob(s, c.id);
            }
            case OFFER -> {
                if (c.attempted != null) {
                    opCounts[c.attempted.ordinal()]++;
                    markWorker(s);
                }
                s.offering = true;
                reserve(s, c.count);
            }
            case DECLINE -> decline(s, c.id);
            case UNUSE -> {
                Tube old = s.use;
                s.use = nowhere;
                old.using--;
                dropIfUnused(old);
            }
            case DELETE -> delete(s, c.id);
            case RELEASE -> release(s, c);
            case BURY -> bury(s, c);
            case TOUCH -> touch(s, c.id);
            case WATCH -> watch(s, c.tube);
            case IGNORE -> ignore(s, c.tube);
            case PEEK -> found(s, jobs.get(c.id));
            case PEEK_READY -> found(s, s.use.ready.peek());
            case PEEK_DELAYED -> found(s, s.use.delayed.peek());
            case PEEK_BURIED -> found(s, s.use.buried.first());
            case KICK -> kick(s, c.count);
            case KICK_JOB -> kickJob(s, c.id);
            case STATS_JOB -> {
                Job j = jobs.get(c.id);
                if (j == null) {
                    reply(s, Replies.NOT_FOUND);
                } else {
                    replyData(s, StatsFormat.job(j, clock.nowMillis()));
                }
            }
            case STATS_TUBE -> {
                Tube t = tubesByName.get(c.tube);
                if (t == null) {
                    reply(s, Replies.NOT_FOUND);
                } else {
                    replyData(s, StatsFormat.tube(t, clock.nowMillis()));
                }
            }
            case STATS, STATS_PART -> replyData(s, StatsFormat.server(counters(), info, (clock.nowMillis() - startedAt) / 1000,
                    durability.binlogStats())
                    + extraStats.get() + (sharded ? clientSessions() : ""));
            case LIST_TUBES, LIST_TUBES_PART -> replyData(s, StatsFormat.tubeList(tubes));
            case LIST_TUBE_USED -> reply(s, "USING " + s.use.name + "\r\n");
            case LIST_TUBES_WATCHED -> replyData(s, StatsFormat.tubeList(s.watch));
            case PAUSE_TUBE -> pauseTube(s, c.tube, c.delayMs);
            case QUIT -> {
                s.closing = true;
                s.pending.clear();
                markDirty(s);
            }
            case ERROR -> reply(s, c.error);
        }
    }

    private void put(Session s, Command c) {
        if (draining) {
            reply(s, Replies.DRAINING);
            return;
        }
        markProducer(s);
        if (!fitsInMemory(c.body.length) || !durability.canAccept(c.body.length)) {
            reply(s, Replies.OUT_OF_MEMORY);
            return;
        }
        long id = insert(s.use, c, null);
        s.out.ascii("INSERTED ").number(id).ascii("\r\n");
        answered(s);
    }

    private long insert(Tube t, Command c, String token) {
        long id = nextJobId;
        nextJobId += idStep;
        Job j = new Job(id, t, c.pri, c.delayMs, Math.max(1000, c.ttrMs), c.body, clock.nowMillis());
        durability.put(j.id, t.name, j.pri, c.delayMs, j.ttrMs, j.body, token);
        jobs.put(j.id, j);
        addJobBytes(j.body.length + JOB_OVERHEAD);
        t.jobs++;
        t.totalJobs++;
        totalJobs++;
        enqueue(j, c.delayMs);
        return j.id;
    }

    private boolean fitsInMemory(int bodyBytes) {
        return allJobBytes() + bodyBytes + JOB_OVERHEAD <= maxJobBytes;
    }

    private void reserve(Session s, long timeoutSec) {
        if (!s.offering) {
            markWorker(s);
        }
        long now = clock.nowMillis();
        if (deadlineSoon(s, now) && !anyReadyWatched(s)) {
            reply(s, Replies.DEADLINE_SOON);
            return;
        }
        if (!s.detached && tubesWithWaiters.isEmpty()) {
            // nobody else waits: processQueue would hand s the best job of its own tubes, so skip
            // joining and leaving the wait queues (a dispatcher goes the long way: it may take more)
            Job best = bestReady(s.watch, now);
            if (best != null) {
                removeReady(best);
                hand(s, best);
                return;
            }
        }
        startWaiting(s, timeoutSec, now);
        processQueue();
        if (s.waiting && timeoutSec == 0) {
            // a zero timeout ends the wait at once, as DEADLINE_SOON if a reserved job is due
            // (the ready jobs that let it wait sit in paused tubes), like beanstalkd's conntimeout
            stopWaiting(s);
            reply(s, deadlineSoon(s, now) ? Replies.DEADLINE_SOON : Replies.TIMED_OUT);
        }
    }

    /** A job an OFFER handed to {@code s} goes back to ready as if it had never been reserved. */
    private void decline(Session s, long id) {
        Job j = reservedBy(s, id);
        if (j == null) {
            return; // its TTR ran out meanwhile: it is ready already
        }
        unreserve(j);
        j.reserves--;
        enqueue(j, 0);
    }

    private void reserveJob(Session s, long id) {
        Job j = jobs.get(id);
        if (j == null || j.state == JobState.RESERVED) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        if (j.state != JobState.READY && !recordable(s)) {
            return;
        }
        switch (j.state) {
            case READY -> removeReady(j);
            case DELAYED -> removeDelayed(j);
            case BURIED -> removeBuried(j);
            default -> throw new IllegalStateException();
        }
        if (j.state != JobState.READY) {
            durability.update(j.id, JobState.READY, j.pri, 0); // comes back ready after a restart
        }
        markWorker(s);
        hand(s, j);
    }

    private void delete(Session s, long id) {
        Job j = jobs.get(id);
        if (j == null || (j.state == JobState.RESERVED && j.reserver != s)) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        if (!recordable(s)) {
            return;
        }
        switch (j.state) {
            case RESERVED -> unreserve(j);
            case READY -> removeReady(j);
            case DELAYED -> removeDelayed(j);
            case BURIED -> removeBuried(j);
        }
        j.tube.deleteCount++;
        durability.delete(j.id);
        forget(j);
        reply(s, Replies.DELETED);
    }

    private void release(Session s, Command c) {
        Job j = reservedBy(s, c.id);
        if (j == null) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        if (!recordable(s)) {
            return;
        }
        unreserve(j);
        if (c.pri >= 0) { // negative: keep (event-bus release without a priority)
            j.pri = c.pri;
        }
        j.delayMs = c.delayMs;
        j.releases++;
        durability.update(j.id, c.delayMs > 0 ? JobState.DELAYED : JobState.READY, j.pri, c.delayMs);
        enqueue(j, c.delayMs);
        reply(s, Replies.RELEASED);
    }

    private void bury(Session s, Command c) {
        Job j = reservedBy(s, c.id);
        if (j == null) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        if (!recordable(s)) {
            return;
        }
        unreserve(j);
        if (c.pri >= 0) {
            j.pri = c.pri;
        }
        j.state = JobState.BURIED;
        j.buries++;
        j.tube.buried.add(j);
        buriedCount++;
        durability.update(j.id, JobState.BURIED, j.pri, 0);
        reply(s, Replies.BURIED);
    }

    private void touch(Session s, long id) {
        Job j = reservedBy(s, id);
        if (j == null) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        jobTimers.remove(j);
        j.deadlineAt = clock.nowMillis() + j.ttrMs;
        jobTimers.add(j);
        reply(s, Replies.TOUCHED);
    }

    private void use(Session s, String name) {
        Tube t = tubeForClient(s, name);
        if (t == null) {
            return;
        }
        Tube old = s.use;
        t.using++;
        s.use = t;
        old.using--;
        dropIfUnused(old);
        reply(s, "USING " + t.name + "\r\n");
    }

    private void watch(Session s, String name) {
        Tube t = tubeForClient(s, name);
        if (t == null) {
            return;
        }
        if (!s.watch.contains(t)) {
            s.watch.add(t);
            t.watching++;
        }
        s.out.ascii("WATCHING ").number(s.watch.size()).ascii("\r\n");
        answered(s);
    }

    private void ignore(Session s, String name) {
        Tube t = tubesByName.get(name);
        if (t != null && s.watch.contains(t)) {
            if (s.watch.size() < 2 && !sharded) {
                reply(s, Replies.NOT_IGNORED);
                return;
            }
            swapRemove(s.watch, t);
            t.watching--;
            dropIfUnused(t);
        }
        s.out.ascii("WATCHING ").number(s.watch.size()).ascii("\r\n");
        answered(s);
    }

    private void kick(Session s, long bound) {
        Tube t = s.use;
        long n = 0;
        if (!t.buried.isEmpty()) {
            for (; n < bound && !t.buried.isEmpty() && durability.canAccept(-1); n++) {
                Job j = t.buried.first();
                removeBuried(j);
                j.kicks++;
                durability.update(j.id, JobState.READY, j.pri, 0);
                enqueue(j, 0);
            }
        } else {
            for (; n < bound && !t.delayed.isEmpty() && durability.canAccept(-1); n++) {
                Job j = t.delayed.peek();
                removeDelayed(j);
                j.kicks++;
                durability.update(j.id, JobState.READY, j.pri, 0);
                enqueue(j, 0);
            }
        }
        s.out.ascii("KICKED ").number(n).ascii("\r\n");
        answered(s);
    }

    private void kickJob(Session s, long id) {
        Job j = jobs.get(id);
        if (j == null || (j.state != JobState.BURIED && j.state != JobState.DELAYED)) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        if (!recordable(s)) {
            return;
        }
        if (j.state == JobState.BURIED) {
            removeBuried(j);
        } else {
            removeDelayed(j);
        }
        j.kicks++;
        durability.update(j.id, JobState.READY, j.pri, 0);
        enqueue(j, 0);
        reply(s, Replies.KICKED);
    }

    private void pauseTube(Session s, String name, long delayMs) {
        Tube t = tubesByName.get(name);
        if (t == null) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        // beanstalkd pauses for at least a moment (1 ns) so that waiting clients wake up again:
        // a pause of 0 is over at once, but the tube stays in pausedTubes until the next tick
        t.pauseMs = Math.max(1, delayMs);
        t.unpauseAt = clock.nowMillis() + delayMs;
        t.pauseCount++;
        pausedTubes.add(t);
        reply(s, Replies.PAUSED);
    }

    // ---------------------------------------------------------------- job movement

    /** Puts a job into its tube's ready heap, or delayed heap if delayMs > 0, then hands out jobs. */
    private void enqueue(Job j, long delayMs) {
        j.reserver = null;
        if (delayMs > 0) {
            j.state = JobState.DELAYED;
            j.deadlineAt = clock.nowMillis() + delayMs;
            j.tube.delayed.add(j);
            jobTimers.add(j);
            delayedCount++;
        } else {
            j.state = JobState.READY;
            j.tube.ready.add(j);
            readyCount++;
            if (j.urgent()) {
                urgentCount++;
                j.tube.urgent++;
            }
            if (!j.tube.waiting.isEmpty()) {
                processQueue();
            }
        }
    }

    /** Gives the best ready job of each eligible tube to the session that waited longest. */
    private void processQueue() {
        if (tubesWithWaiters.isEmpty()) {
            return;
        }
        long now = clock.nowMillis();
        while (true) {
            Job best = bestReady(tubesWithWaiters, now);
            if (best == null) {
                return;
            }
            Session s = best.tube.waiting.first().session;
            removeReady(best);
            stopWaiting(s);
            hand(s, best);
            runnable.add(s);
        }
    }

    /** The first ready job of the unpaused tubes among {@code tubes}, by priority then id; or null. */
    private static Job bestReady(ArrayList<Tube> tubes, long now) {
        Job best = null;
        for (int i = 0, n = tubes.size(); i < n; i++) {
            Tube t = tubes.get(i);
            if (t.paused() && t.unpauseAt > now) {
                continue;
            }
            Job candidate = t.ready.peek();
            if (candidate != null && (best == null || Job.BY_PRIORITY.compare(candidate, best) < 0)) {
                best = candidate;
            }
        }
        return best;
    }

    /** Reserves the job for the session and writes the RESERVED reply. */
    private void hand(Session s, Job j) {
        Session owner = s.heir != null ? s.heir : s;
        long hold = s.dispatchTimeoutMs < 0 ? j.ttrMs : Math.max(j.ttrMs, s.dispatchTimeoutMs) + DISPATCH_GRACE_MS;
        j.state = JobState.RESERVED;
        j.reserver = owner;
        j.reserves++;
        j.deadlineAt = clock.nowMillis() + hold;
        jobTimers.add(j);
        owner.reservedJobs.add(j);
        j.tube.reserved++;
        reservedCount++;
        if (s.detached) {
            s.handed(new Reservation(j.id, j.tube.name, j.body, j.pri, j.ttrMs, j.reserves));
            s.credit--;
            markDirty(s);
            if (s.credit > 0 && !s.closed) {
                startWaiting(s, -1, clock.nowMillis()); // a dispatcher with free slots waits on
            }
            return;
        }
        if (s.offering) {
            s.offering = false;
            s.out.ascii("OFFERED ").number(j.id).ascii(" ").number(j.pri).ascii(" ").number(j.body.length).ascii("\r\n");
        } else {
            s.out.ascii("RESERVED ").number(j.id).ascii(" ").number(j.body.length).ascii("\r\n");
        }
        s.out.raw(j.body).ascii("\r\n");
        answered(s);
    }

    private void removeReady(Job j) {
        j.tube.ready.remove(j);
        readyCount--;
        if (j.urgent()) {
            urgentCount--;
            j.tube.urgent--;
        }
    }

    private void removeDelayed(Job j) {
        j.tube.delayed.remove(j);
        jobTimers.remove(j);
        delayedCount--;
    }

    private void removeBuried(Job j) {
        j.tube.buried.remove(j);
        buriedCount--;
    }

    private void unreserve(Job j) {
        jobTimers.remove(j);
        j.reserver.reservedJobs.remove(j);
        j.reserver = null;
        j.tube.reserved--;
        reservedCount--;
    }

    private void forget(Job j) {
        jobs.remove(j.id);
        addJobBytes(-(j.body.length + JOB_OVERHEAD));
        j.tube.jobs--;
        dropIfUnused(j.tube);
    }

    private Job reservedBy(Session s, long id) {
        Job j = jobs.get(id);
        return j != null && j.state == JobState.RESERVED && j.reserver == s ? j : null;
    }

    // ---------------------------------------------------------------- waiting

    private void startWaiting(Session s, long timeoutSec, long now) {
        s.waiting = true;
        waitingCount++;
        for (int i = 0, n = s.watch.size(); i < n; i++) {
            Tube t = s.watch.get(i);
            Session.WaitPlace p = s.place(i);
            p.tube = t;
            t.waiting.add(p);
            if (t.waitedIndex < 0) {
                t.waitedIndex = tubesWithWaiters.size();
                tubesWithWaiters.add(t);
            }
        }
        s.queuedPlaces = s.watch.size();
        s.waitUntil = timeoutSec > 0 ? now + timeoutSec * 1000 : Long.MAX_VALUE;
        scheduleWakeup(s, now);
    }

    private void stopWaiting(Session s) {
        s.waiting = false;
        waitingCount--;
        for (int i = 0, n = s.queuedPlaces; i < n; i++) {
            Session.WaitPlace p = s.place(i);
            Tube t = p.tube;
            t.waiting.remove(p);
            p.tube = null;
            if (t.waiting.isEmpty()) {
                Tube last = tubesWithWaiters.remove(tubesWithWaiters.size() - 1);
                if (last != t) {
                    tubesWithWaiters.set(t.waitedIndex, last);
                    last.waitedIndex = t.waitedIndex;
                }
                t.waitedIndex = -1;
            }
        }
        s.queuedPlaces = 0;
        sessionTimers.remove(s);
        s.waitUntil = Long.MAX_VALUE;
    }

    private void scheduleWakeup(Session s, long now) {
        sessionTimers.remove(s);
        long at = s.waitUntil;
        Job soonest = s.detached ? null : s.soonestReserved();
        if (soonest != null) {
            at = Math.min(at, soonest.deadlineAt - SAFETY_MARGIN_MS);
        }
        if (at != Long.MAX_VALUE) {
            s.wakeAt = Math.max(at, now);
            sessionTimers.add(s);
        }
    }

    private boolean deadlineSoon(Session s, long now) {
        if (s.detached) {
            return false; // a dispatcher times out its own jobs; bus reserves hold none
        }
        Job j = s.soonestReserved();
        return j != null && now >= j.deadlineAt - SAFETY_MARGIN_MS;
    }

    private boolean anyReadyWatched(Session s) {
        for (Tube t : s.watch) {
            if (!t.ready.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the journal can take one more small record; if not, answers INTERNAL_ERROR. */
    private boolean recordable(Session s) {
        if (durability.canAccept(-1)) {
            return true;
        }
        reply(s, Replies.INTERNAL_ERROR);
        return false;
    }

    private void markProducer(Session s) {
        if (!s.producer && !s.detached) {
            s.producer = true;
            producers++;
        }
    }

    private void markWorker(Session s) {
        if (!s.worker && !s.detached) {
            s.worker = true;
            workers++;
        }
    }

    // ---------------------------------------------------------------- tubes

    private Tube findOrMakeTube(String name) {
        Tube t = tubesByName.get(name);
        if (t == null) {
            t = new Tube(name);
            tubesByName.put(name, t);
            tubes.add(t);
            if (budget != null) {
                budget.addTubes(1);
            }
        }
        return t;
    }

    /** The named tube, made if needed; null (after answering OUT_OF_MEMORY) when no more tubes may be made. */
    private Tube tubeForClient(Session s, String name) {
        Tube t = tubesByName.get(name);
        if (t == null && allTubes() >= maxTubes) {
            reply(s, Replies.OUT_OF_MEMORY);
            return null;
        }
        return findOrMakeTube(name);
    }

    private void dropIfUnused(Tube t) {
        if (t != defaultTube && t.unreferenced() && tubesByName.get(t.name) == t) {
            tubesByName.remove(t.name);
            swapRemove(tubes, t);
            if (budget != null) {
                budget.addTubes(-1);
            }
            pausedTubes.remove(t);
        }
    }

    private static <T> void swapRemove(ArrayList<T> list, T item) {
        int i = list.indexOf(item);
        int last = list.size() - 1;
        list.set(i, list.get(last));
        list.remove(last);
    }

    // ---------------------------------------------------------------- replies

    private void reply(Session s, String line) {
        s.out.ascii(line);
        answered(s);
    }

    private void answered(Session s) {
        s.answered++;
        markDirty(s);
    }

    private void found(Session s, Job j) {
        if (j == null) {
            reply(s, Replies.NOT_FOUND);
            return;
        }
        s.out.ascii("FOUND ").number(j.id).ascii(" ").number(j.body.length).ascii("\r\n")
                .raw(j.body).ascii("\r\n");
        answered(s);
    }

    private void replyData(Session s, String yaml) {
        byte[] data = yaml.getBytes(StandardCharsets.US_ASCII);
        s.out.ascii("OK ").number(data.length).ascii("\r\n").raw(data).ascii("\r\n");
        answered(s);
    }

    private void markDirty(Session s) {
        if (!s.dirty) {
            s.dirty = true;
            dirty.add(s);
        }
    }

    /** The counters for metrics; cheap enough to take on every scrape. */
    public Snapshot snapshot() {
        List<Snapshot.TubeCounts> tubeCounts = new ArrayList<>(tubes.size());
        for (Tube t : tubes) {
            tubeCounts.add(new Snapshot.TubeCounts(t.name, t.ready.size(), t.reserved, t.delayed.size(),
                    t.buried.size(), t.waiting.size()));
        }
        Map<String, Long> commands = new LinkedHashMap<>();
        for (Op op : Op.values()) {
            if (op != Op.ERROR && op.isProtocol()) {
                commands.put(op.name().toLowerCase(Locale.ROOT).replace('_', '-'), opCounts[op.ordinal()]);
            }
        }
        return new Snapshot(tubeCounts, commands, jobTimeouts, countsConnections() ? sessions.size() : 0, totalConnections, totalJobs,
                waitingCount, draining, durability.metrics(), 0);
    }

    /**
     * With several shards one client has a session on each, so a client that puts on two shards
     * is a producer on both: the shard lists its sessions per role ({@link ShardStats#PER_CLIENT}),
     * and whoever combines the shards' stats counts distinct session ids instead of adding up.
     */
    private String clientSessions() {
        StringBuilder producing = new StringBuilder();
        StringBuilder working = new StringBuilder();
        StringBuilder waiting = new StringBuilder();
        sessions.forEach((LongObjectProcedure<Session>) (id, s) -> {
            if (s.producer) {
                producing.append(' ').append(id);
            }
            if (s.worker) {
                working.append(' ').append(id);
            }
            if (s.waiting) {
                waiting.append(' ').append(id);
            }
        });
        return ShardStats.PRODUCER_SESSIONS + ":" + producing + "\n"
                + ShardStats.WORKER_SESSIONS + ":" + working + "\n"
                + ShardStats.WAITING_SESSIONS + ":" + waiting + "\n";
    }

    Counters counters() {
        Counters c = new Counters();
        c.urgent = urgentCount;
        c.ready = readyCount;
        c.reserved = reservedCount;
        c.delayed = delayedCount;
        c.buried = buriedCount;
        c.jobTimeouts = jobTimeouts;
        c.totalJobs = totalJobs;
        c.maxJobSize = maxJobSize;
        c.tubes = tubes.size();
        c.connections = countsConnections() ? sessions.size() : 0;
        c.producers = producers;
        c.workers = workers;
        c.waiting = waitingCount;
        c.totalConnections = totalConnections;
        c.draining = draining;
        c.ops = opCounts.clone();
        return c;
    }
}
