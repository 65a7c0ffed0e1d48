package dev.sockq.daemon;

/** A named queue: ready and delayed heaps, a buried FIFO, and the sessions waiting on it. */
final class Tube {
    final String name;
    final Heap<Job> ready = new Heap<>(Job.BY_PRIORITY, Job.TUBE_SLOT);
    final Heap<Job> delayed = new Heap<>(Job.BY_DEADLINE, Job.TUBE_SLOT);
    /** Buried jobs in bury order; kick and peek-buried take the oldest. */
    final IntrusiveList<Job> buried = new IntrusiveList<>();
    /** Sessions blocked in reserve while watching this tube, oldest first (their places, see {@link Session.WaitPlace}). */
    final IntrusiveList<Session.WaitPlace> waiting = new IntrusiveList<>();
    /** Position in the daemon's list of tubes with waiters, or -1. */
    int waitedIndex = -1;

    int urgent;
    int reserved;
    long totalJobs;
    int using;
    int watching;
    long deleteCount;
    long pauseCount;
    /** Pause length in ms as requested (0 = not paused), and when it ends. */
    long pauseMs;
    long unpauseAt;
    /** Jobs (in any state) that belong to this tube. */
    int jobs;

    Tube(String name) {
        this.name = name;
    }

    boolean paused() {
        return pauseMs > 0;
    }

    /** A tube vanishes when nothing refers to it: no jobs, no users, no watchers. */
    boolean unreferenced() {
        return jobs == 0 && using == 0 && watching == 0;
    }
}
