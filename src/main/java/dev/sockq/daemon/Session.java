package dev.sockq.daemon;

import dev.sockq.bus.Command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;

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
    final LinkedHashSet<Job> reservedJobs = new LinkedHashSet<>();
    final ArrayDeque<Command> pending = new ArrayDeque<>();
    final ReplyBuffer out = new ReplyBuffer();
    int answered;

    boolean producer;
    boolean worker;
    boolean waiting;
    /** A put waits for journal space that is being preallocated (see {@link Durability#spaceComing()}). */
    boolean stalled;
    boolean closing;
    boolean closed;
    boolean dirty;
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

    Job soonestReserved() {
        Job best = null;
        for (Job j : reservedJobs) {
            if (best == null || j.deadlineAt < best.deadlineAt) {
                best = j;
            }
        }
        return best;
    }
}
