package dev.sockq.daemon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reference model of the queue for {@link DaemonModelTest}: plain lists and maps, every answer
 * found by searching all jobs, no heaps or indexes. Only non-blocking commands (reserves with
 * timeout 0), so no client ever waits.
 */
final class QueueModel {
    /** One job as the protocol describes it. */
    static final class Job {
        final long id;
        final String tube;
        final byte[] body;
        final long ttrMs;
        final long createdAt;
        long pri;
        long delayMs;
        String state; // ready, delayed, reserved, buried
        long deadline; // delayed: when ready; reserved: when the TTR ends
        int reserver = -1;
        long buriedOrder;
        int reserves, timeouts, releases, buries, kicks;

        Job(long id, String tube, byte[] body, long pri, long delayMs, long ttrMs, long now) {
            this.id = id;
            this.tube = tube;
            this.body = body;
            this.pri = pri;
            this.delayMs = delayMs;
            this.ttrMs = ttrMs;
            this.createdAt = now;
        }
    }

    /** The per-tube numbers that outlive jobs (they vanish with the tube). */
    static final class Tube {
        long totalJobs, deletes, pauses, pauseMs, unpauseAt;
    }

    /** One client connection. */
    static final class Client {
        String use = "default";
        final List<String> watch = new ArrayList<>(List.of("default"));
        boolean producer, worker;
    }

    long now;
    private final List<Job> jobs = new ArrayList<>();
    private final Map<String, Tube> tubes = new HashMap<>(Map.of("default", new Tube()));
    private final Map<Integer, Client> clients = new HashMap<>();
    private final Map<String, Long> commands = new TreeMap<>();
    private long nextId = 1, buriedCounter, jobTimeouts, totalJobs, totalConnections;

    QueueModel(long now) {
        this.now = now;
    }

    void connect(int client) {
        clients.put(client, new Client());
        totalConnections++;
    }

    void disconnect(int client) {
        for (Job j : jobs) {
            if ("reserved".equals(j.state) && j.reserver == client) {
                toReady(j);
            }
        }
        clients.remove(client);
        forgetUnusedTubes();
    }

    void advance(long ms) {
        now += ms;
        for (Job j : jobs) {
            if (("delayed".equals(j.state) || "reserved".equals(j.state)) && j.deadline <= now) {
                if ("reserved".equals(j.state)) {
                    j.timeouts++;
                    jobTimeouts++;
                }
                toReady(j);
            }
        }
        for (Tube t : tubes.values()) {
            if (t.pauseMs > 0 && t.unpauseAt <= now) {
                t.pauseMs = 0;
            }
        }
    }

    // ------------------------------------------------------------------ commands (each returns the reply)

    String put(int c, long pri, long delaySec, long ttrSec, byte[] body) {
        count("put");
        Client cl = clients.get(c);
        cl.producer = true;
        Job j = new Job(nextId++, cl.use, body, pri, delaySec * 1000, Math.max(1000, ttrSec * 1000), now);
        jobs.add(j);
        totalJobs++;
        tubes.get(cl.use).totalJobs++;
        if (delaySec > 0) {
            j.state = "delayed";
            j.deadline = now + delaySec * 1000;
        } else {
            j.state = "ready";
        }
        return "INSERTED " + j.id + "\r\n";
    }

    String reserveWithTimeout0(int c) {
        count("reserve-with-timeout");
        Client cl = clients.get(c);
        cl.worker = true;
        Optional<Job> best = jobs.stream()
                .filter(j -> "ready".equals(j.state) && cl.watch.contains(j.tube) && !paused(j.tube))
                .min(Comparator.comparingLong((Job j) -> j.pri).thenComparingLong(j -> j.id));
        if (best.isPresent()) {
            Job j = best.get();
            j.state = "reserved";
            j.reserver = c;
            j.reserves++;
            j.deadline = now + j.ttrMs;
            return withBody("RESERVED", j);
        }
        boolean deadlineSoon = jobs.stream().anyMatch(j -> "reserved".equals(j.state) && j.reserver == c && now >= j.deadline - 1000);
        return deadlineSoon ? "DEADLINE_SOON\r\n" : "TIMED_OUT\r\n";
    }

    String reserveJob(int c, long id) {
        Job j = job(id);
        if (j == null || "reserved".equals(j.state)) {
            return "NOT_FOUND\r\n";
        }
        clients.get(c).worker = true;
        j.state = "reserved";
        j.reserver = c;
        j.reserves++;
        j.deadline = now + j.ttrMs;
        return withBody("RESERVED", j);
    }

    String delete(int c, long id) {
        count("delete");
        Job j = job(id);
        if (j == null || ("reserved".equals(j.state) && j.reserver != c)) {
            return "NOT_FOUND\r\n";
        }
        jobs.remove(j);
        tubes.get(j.tube).deletes++;
        forgetUnusedTubes();
        return "DELETED\r\n";
    }

    String release(int c, long id, long pri, long delaySec) {
        count("release");
        Job j = reservedBy(c, id);
        if (j == null) {
            return "NOT_FOUND\r\n";
        }
        j.pri = pri;
        j.delayMs = delaySec * 1000;
        j.releases++;
        j.reserver = -1;
        if (delaySec > 0) {
            j.state = "delayed";
            j.deadline = now + delaySec * 1000;
        } else {
            j.state = "ready";
        }
        return "RELEASED\r\n";
    }

    String bury(int c, long id, long pri) {
        count("bury");
        Job j = reservedBy(c, id);
        if (j == null) {
            return "NOT_FOUND\r\n";
        }
        j.pri = pri;
        j.state = "buried";
        j.reserver = -1;
        j.buries++;
        j.buriedOrder = ++buriedCounter;
        return "BURIED\r\n";
    }

    String touch(int c, long id) {
        count("touch");
        Job j = reservedBy(c, id);
        if (j == null) {
            return "NOT_FOUND\r\n";
        }
        j.deadline = now + j.ttrMs;
        return "TOUCHED\r\n";
    }

    String kick(int c, long bound) {
        count("kick");
        String tube = clients.get(c).use;
        List<Job> buried = inTube(tube, "buried", Comparator.comparingLong(j -> j.buriedOrder));
        List<Job> candidates = !buried.isEmpty() ? buried
                : inTube(tube, "delayed", Comparator.comparingLong((Job j) -> j.deadline).thenComparingLong(j -> j.id));
        int n = (int) Math.min(bound, candidates.size());
        for (Job j : candidates.subList(0, n)) {
            j.kicks++;
            toReady(j);
        }
        return "KICKED " + n + "\r\n";
    }

    String kickJob(long id) {
        Job j = job(id);
        if (j == null || !("buried".equals(j.state) || "delayed".equals(j.state))) {
            return "NOT_FOUND\r\n";
        }
        j.kicks++;
        toReady(j);
        return "KICKED\r\n";
    }

    String peek(long id) {
        count("peek");
        return found(job(id));
    }

    String peekReady(int c) {
        count("peek-ready");
        return found(first(inTube(clients.get(c).use, "ready",
                Comparator.comparingLong((Job j) -> j.pri).thenComparingLong(j -> j.id))));
    }

    String peekDelayed(int c) {
        count("peek-delayed");
        return found(first(inTube(clients.get(c).use, "delayed",
                Comparator.comparingLong((Job j) -> j.deadline).thenComparingLong(j -> j.id))));
    }

    String peekBuried(int c) {
        count("peek-buried");
        return found(first(inTube(clients.get(c).use, "buried", Comparator.comparingLong(j -> j.buriedOrder))));
    }

    String use(int c, String tube) {
        count("use");
        tubes.putIfAbsent(tube, new Tube());
        clients.get(c).use = tube;
        forgetUnusedTubes();
        return "USING " + tube + "\r\n";
    }

    String watch(int c, String tube) {
        count("watch");
        tubes.putIfAbsent(tube, new Tube());
        List<String> w = clients.get(c).watch;
        if (!w.contains(tube)) {
            w.add(tube);
        }
        return "WATCHING " + w.size() + "\r\n";
    }

    String ignore(int c, String tube) {
        count("ignore");
        List<String> w = clients.get(c).watch;
        if (w.contains(tube)) {
            if (w.size() == 1) {
                return "NOT_IGNORED\r\n";
            }
            w.remove(tube);
            forgetUnusedTubes();
        }
        return "WATCHING " + w.size() + "\r\n";
    }

    String pauseTube(String tube, long delaySec) {
        count("pause-tube");
        Tube t = tubes.get(tube);
        if (t == null) {
            return "NOT_FOUND\r\n";
        }
        t.pauseMs = Math.max(1, delaySec * 1000); // as beanstalkd: a pause of 0 still lasts a moment
        t.unpauseAt = now + delaySec * 1000;
        t.pauses++;
        return "PAUSED\r\n";
    }

    String listTubeUsed(int c) {
        count("list-tube-used");
        return "USING " + clients.get(c).use + "\r\n";
    }

    // ------------------------------------------------------------------ what stats must say (null = NOT_FOUND)

    Map<String, String> statsJob(long id) {
        count("stats-job");
        Job j = job(id);
        if (j == null) {
            return null;
        }
        boolean timed = "reserved".equals(j.state) || "delayed".equals(j.state);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", "" + j.id);
        m.put("tube", j.tube);
        m.put("state", j.state);
        m.put("pri", "" + j.pri);
        m.put("age", "" + (now - j.createdAt) / 1000);
        m.put("delay", "" + j.delayMs / 1000);
        m.put("ttr", "" + j.ttrMs / 1000);
        m.put("time-left", "" + (timed ? secondsLeft(j.deadline) : 0));
        m.put("file", "0");
        m.put("reserves", "" + j.reserves);
        m.put("timeouts", "" + j.timeouts);
        m.put("releases", "" + j.releases);
        m.put("buries", "" + j.buries);
        m.put("kicks", "" + j.kicks);
        return m;
    }

    Map<String, String> statsTube(String name) {
        count("stats-tube");
        Tube t = tubes.get(name);
        if (t == null) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("current-jobs-urgent", "" + jobs.stream().filter(j -> j.tube.equals(name) && "ready".equals(j.state) && j.pri < 1024).count());
        for (String state : List.of("ready", "reserved", "delayed", "buried")) {
            m.put("current-jobs-" + state, "" + jobs.stream().filter(j -> j.tube.equals(name) && state.equals(j.state)).count());
        }
        m.put("total-jobs", "" + t.totalJobs);
        m.put("current-using", "" + clients.values().stream().filter(c -> c.use.equals(name)).count());
        m.put("current-watching", "" + clients.values().stream().filter(c -> c.watch.contains(name)).count());
        m.put("current-waiting", "0");
        m.put("cmd-delete", "" + t.deletes);
        m.put("cmd-pause-tube", "" + t.pauses);
        m.put("pause", "" + t.pauseMs / 1000);
        m.put("pause-time-left", "" + (t.pauseMs > 0 ? secondsLeft(t.unpauseAt) : 0));
        return m;
    }

    /** The keys of `stats` this model tracks (the rest describe the process). */
    Map<String, String> stats() {
        count("stats");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("current-jobs-urgent", "" + jobs.stream().filter(j -> "ready".equals(j.state) && j.pri < 1024).count());
        for (String state : List.of("ready", "reserved", "delayed", "buried")) {
            m.put("current-jobs-" + state, "" + jobs.stream().filter(j -> state.equals(j.state)).count());
        }
        for (Map.Entry<String, Long> e : commands.entrySet()) {
            m.put("cmd-" + e.getKey(), "" + e.getValue());
        }
        m.put("job-timeouts", "" + jobTimeouts);
        m.put("total-jobs", "" + totalJobs);
        m.put("current-tubes", "" + tubes.size());
        m.put("current-connections", "" + clients.size());
        m.put("current-producers", "" + clients.values().stream().filter(c -> c.producer).count());
        m.put("current-workers", "" + clients.values().stream().filter(c -> c.worker).count());
        m.put("current-waiting", "0");
        m.put("total-connections", "" + totalConnections);
        return m;
    }

    TreeSet<String> tubeNames() {
        count("list-tubes");
        return new TreeSet<>(tubes.keySet());
    }

    TreeSet<String> watched(int c) {
        count("list-tubes-watched");
        return new TreeSet<>(clients.get(c).watch);
    }

    /** {holder, id} of the n-th reserved job (counting round), or null if none is reserved. */
    long[] someReservedJob(long n) {
        List<Job> reserved = jobs.stream().filter(j -> "reserved".equals(j.state)).toList();
        if (reserved.isEmpty()) {
            return null;
        }
        Job j = reserved.get((int) (n % reserved.size()));
        return new long[] {j.reserver, j.id};
    }

    // ------------------------------------------------------------------ helpers

    /** Whole seconds left, as sockq shows them (beanstalkd's clock has always moved on a little). */
    private long secondsLeft(long deadline) {
        return Math.max(0, (deadline - now - 1) / 1000);
    }

    private boolean paused(String tube) {
        Tube t = tubes.get(tube);
        return t.pauseMs > 0 && t.unpauseAt > now;
    }

    private void toReady(Job j) {
        j.state = "ready";
        j.reserver = -1;
    }

    private void count(String command) {
        commands.merge(command, 1L, Long::sum);
    }

    private Job job(long id) {
        for (Job j : jobs) {
            if (j.id == id) {
                return j;
            }
        }
        return null;
    }

    private Job reservedBy(int c, long id) {
        Job j = job(id);
        return j != null && "reserved".equals(j.state) && j.reserver == c ? j : null;
    }

    private List<Job> inTube(String tube, String state, Comparator<Job> order) {
        return jobs.stream().filter(j -> j.tube.equals(tube) && state.equals(j.state)).sorted(order).toList();
    }

    private static Job first(List<Job> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    private static String found(Job j) {
        return j == null ? "NOT_FOUND\r\n" : withBody("FOUND", j);
    }

    private static String withBody(String word, Job j) {
        return word + " " + j.id + " " + j.body.length + "\r\n" + new String(j.body, StandardCharsets.ISO_8859_1) + "\r\n";
    }

    /** A tube lives while it has jobs or a client uses or watches it; "default" always. */
    private void forgetUnusedTubes() {
        tubes.keySet().removeIf(name -> !name.equals("default")
                && jobs.stream().noneMatch(j -> j.tube.equals(name))
                && clients.values().stream().noneMatch(c -> c.use.equals(name) || c.watch.contains(name)));
    }
}
