package dev.sockq.daemon;

import java.util.Comparator;

/**
 * One job: its body, its scheduling fields and its stats counters. Its list links put it in its
 * reserver's reserved jobs or its tube's buried jobs (never both: a job is reserved or buried).
 */
final class Job extends IntrusiveList.Node<Job> {
    /** Ready order: lower priority value first, then lower id (FIFO among equals). */
    static final Comparator<Job> BY_PRIORITY = (a, b) -> {
        int c = Long.compare(a.pri, b.pri);
        return c != 0 ? c : Long.compare(a.id, b.id);
    };
    /** Timer order: earlier deadline first, then lower id. */
    static final Comparator<Job> BY_DEADLINE = (a, b) -> {
        int c = Long.compare(a.deadlineAt, b.deadlineAt);
        return c != 0 ? c : Long.compare(a.id, b.id);
    };
    static final Heap.Slot<Job> TUBE_SLOT = new Heap.Slot<>() {
        public int get(Job j) {
            return j.tubeIndex;
        }

        public void set(Job j, int i) {
            j.tubeIndex = i;
        }
    };
    static final Heap.Slot<Job> TIMER_SLOT = new Heap.Slot<>() {
        public int get(Job j) {
            return j.timerIndex;
        }

        public void set(Job j, int i) {
            j.timerIndex = i;
        }
    };

    final long id;
    final Tube tube;
    final byte[] body;
    final long createdAt;
    long pri;
    long delayMs;
    final long ttrMs;
    JobState state;
    /** When a delayed job becomes ready, or a reserved job times out. */
    long deadlineAt;
    Session reserver;

    int reserves;
    int timeouts;
    int releases;
    int buries;
    int kicks;

    /** Position in the tube's ready or delay heap (a job is in at most one of them). */
    int tubeIndex = -1;
    /** Position in the daemon's timer heap (delayed and reserved jobs). */
    int timerIndex = -1;

    Job(long id, Tube tube, long pri, long delayMs, long ttrMs, byte[] body, long createdAt) {
        this.id = id;
        this.tube = tube;
        this.pri = pri;
        this.delayMs = delayMs;
        this.ttrMs = ttrMs;
        this.body = body;
        this.createdAt = createdAt;
    }

    boolean urgent() {
        return pri < Daemon.URGENT_THRESHOLD;
    }
}
