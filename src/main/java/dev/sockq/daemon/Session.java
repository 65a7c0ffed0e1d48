package dev.sockq.daemon;

import dev.sockq.bus.Command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The daemon's view of one client connection: used tube, watch list, reserved jobs, the
 * commands queued behind a blocking reserve, and the reply bytes not yet sent.
 */
public final class Session {
    static final Comparator<Session> BY_WAKEUP = (a, b) -> {
        int c = Long.compare(a.wakeAt, b.wakeAt);
        return c != 0 ? c : Long.compare(a.id, b.id);
    };
    static final Heap.Slot<Session> TIMER_SLOT = new Heap.Slot<>() {
        public int get(Session s) {
            return s.timerIndex;
        }

        public void set(Session s, int i) {
            s.timerIndex = i;
        }
    };

    final long id;
    final Object route;
    Tube use;
    /** Watched tubes in beanstalkd's order (removal moves the last one into the hole). */
    final ArrayList<Tube> watch = new ArrayList<>(2);
    /** Jobs this session holds, in reserve order. */
    final IntrusiveList<Job> reservedJobs = new IntrusiveList<>();
    /** Its place in each watched tube's wait queue (index = position in {@link #watch}), reused for every wait. */
    private final ArrayList<WaitPlace> places = new ArrayList<>(2);
    /** While waiting: how many of its first places are in wait queues (its watch list's size then). */
    int queuedPlaces;
    final ArrayDeque<Command> pending = new ArrayDeque<>();
    final ReplyBuffer out = new ReplyBuffer();
    int answered;

    boolean producer;
    boolean worker;
    boolean waiting;
    /** The reserve under way is a shard router's OFFER: its job is answered as OFFERED id pri bytes. */
    boolean offering;
    /** A put waits for journal space that is being preallocated (see {@link Durability#spaceComing()}). */
    boolean stalled;
    boolean closing;
    boolean closed;
    boolean dirty;
    /**
     * Not a connection but an event-bus party (the bus owner, a bus reserve, a push dispatcher):
     * not counted in connection stats, never told DEADLINE_SOON, gets jobs as {@link Reservation}s.
     */
    boolean detached;
    /** Jobs a detached session may still take (1 for a bus reserve, free slots for a dispatcher). */
    int credit;
    /** Who owns the jobs this detached session is handed (the bus owner for bus reserves), or null for itself. */
    Session heir;
    /** A push dispatcher's consumer timeout in ms (0 = the job's TTR), or -1 if not a dispatcher. */
    long dispatchTimeoutMs = -1;
    /** Jobs handed to this detached session since the last {@link #takeHanded()}. */
    private ArrayList<Reservation> handed;
    /** Absolute reserve-with-timeout deadline, or Long.MAX_VALUE for none. */
    long waitUntil = Long.MAX_VALUE;
    /** When the timer heap must look at this session again. */
    long wakeAt;
    int timerIndex = -1;

    Session(long id, Object route) {
        this.id = id;
        this.route = route;
    }

    public long id() {
        return id;
    }

    /** Whatever the transport needs to find the connection again (the reply address). */
    public Object route() {
        return route;
    }

    /** Takes the reply bytes produced since the last call. */
    public byte[] takeOutput() {
        return out.take();
    }

    /** Takes the number of commands completed since the last call. */
    public int takeAnswered() {
        int n = answered;
        answered = 0;
        return n;
    }

    /** Whether the client asked to close (quit) and the transport must hang up after the output. */
    public boolean closeRequested() {
        return closing;
    }

    /** Takes the jobs handed to this detached session since the last call. */
    public List<Reservation> takeHanded() {
        if (handed == null || handed.isEmpty()) {
            return List.of();
        }
        List<Reservation> result = handed;
        handed = null;
        return result;
    }

    void handed(Reservation r) {
        if (handed == null) {
            handed = new ArrayList<>(2);
        }
        handed.add(r);
    }

    Job soonestReserved() {
        Job best = null;
        for (Job j = reservedJobs.first(); j != null; j = j.next) {
            if (best == null || j.deadlineAt < best.deadlineAt) {
                best = j;
            }
        }
        return best;
    }

    /** The place this session takes in the wait queue of its {@code i}-th watched tube. */
    WaitPlace place(int i) {
        while (places.size() <= i) {
            places.add(new WaitPlace(this));
        }
        return places.get(i);
    }

    /** A session's place in one tube's wait queue; {@code tube} is null while it waits in none. */
    static final class WaitPlace extends IntrusiveList.Node<WaitPlace> {
        final Session session;
        Tube tube;

        WaitPlace(Session session) {
            this.session = session;
        }
    }
}
