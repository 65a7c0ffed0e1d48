package dev.sockq.ops;

import dev.sockq.daemon.Snapshot;

import java.util.List;
import java.util.Map;

/** Renders sockq's own metrics in the Prometheus text format (sockq_ prefix, _total counters). */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static String render(Snapshot s, DatagramCounters d, List<PushCounters> push) {
        StringBuilder b = new StringBuilder(2048);
        b.append("# HELP sockq_jobs Jobs by tube and state.\n# TYPE sockq_jobs gauge\n");
        for (Snapshot.TubeCounts t : s.tubes()) {
            job(b, t.name(), "ready", t.ready());
            job(b, t.name(), "reserved", t.reserved());
            job(b, t.name(), "delayed", t.delayed());
            job(b, t.name(), "buried", t.buried());
        }
        b.append("# HELP sockq_waiting_clients Clients blocked in reserve, by tube.\n# TYPE sockq_waiting_clients gauge\n");
        for (Snapshot.TubeCounts t : s.tubes()) {
            b.append("sockq_waiting_clients{tube=\"").append(t.name()).append("\"} ").append(t.waiting()).append('\n');
        }
        b.append("# HELP sockq_commands_total beanstalkd commands run, by command.\n# TYPE sockq_commands_total counter\n");
        for (Map.Entry<String, Long> e : s.commands().entrySet()) {
            b.append("sockq_commands_total{command=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
        }
        metric(b, "sockq_jobs_created_total", "counter", "Jobs ever created.", s.totalJobs());
        metric(b, "sockq_job_timeouts_total", "counter", "Reservations that ran out of TTR.", s.jobTimeouts());
        metric(b, "sockq_connections", "gauge", "Open client connections.", s.connections());
        metric(b, "sockq_connections_total", "counter", "Client connections ever accepted.", s.totalConnections());
        metric(b, "sockq_draining", "gauge", "1 in drain mode.", s.draining() ? 1 : 0);
        metric(b, "sockq_daemon_wakeups_saved_total", "counter",
                "Tasks the daemon thread found while still awake for a client talking alone, each a wake-up saved (--daemon-spin-us).",
                s.wakeupsSaved());
        b.append("# HELP sockq_datagrams_total Datagrams by outcome.\n# TYPE sockq_datagrams_total counter\n");
        datagram(b, "inserted", d.inserted.sum());
        datagram(b, "duplicate", d.duplicates.sum());
        datagram(b, "rejected", d.rejected.sum());
        metric(b, "sockq_datagrams_received_total", "counter", "Datagrams received.", d.received.sum());
        if (!push.isEmpty()) {
            b.append("# HELP sockq_push_total Push dispatch: jobs sent to a bound address, and how attempts ended, by tube.\n"
                    + "# TYPE sockq_push_total counter\n");
            for (PushCounters p : push) {
                pushed(b, p.tube, "sent", p.sent.sum());
                pushed(b, p.tube, "succeeded", p.succeeded.sum());
                pushed(b, p.tube, "failed", p.failed.sum());
                pushed(b, p.tube, "timed_out", p.timedOut.sum());
                pushed(b, p.tube, "no_consumer", p.noConsumer.sum());
                pushed(b, p.tube, "buried", p.buried.sum());
            }
        }
        if (!s.journal().isEmpty()) {
            metric(b, "sockq_journal_records_total", "counter", "Records appended to the journal.", s.journal().get("records"));
            metric(b, "sockq_journal_migrated_total", "counter", "Records copied forward by compaction.",
                    s.journal().get("migrated"));
            metric(b, "sockq_journal_files", "gauge", "Journal files on disk.", s.journal().get("files"));
            metric(b, "sockq_journal_compaction_steps_total", "counter", "Compaction steps (live jobs copied forward).",
                    s.journal().get("compactionSteps"));
            metric(b, "sockq_journal_files_deleted_total", "counter", "Journal files deleted once no live job needed them.",
                    s.journal().get("filesDeleted"));
            metric(b, "sockq_journal_bytes", "gauge", "Bytes of journal files on disk (preallocated).",
                    s.journal().get("bytes"));
        }
        return b.toString();
    }

    private static void job(StringBuilder b, String tube, String state, long n) {
        b.append("sockq_jobs{tube=\"").append(tube).append("\",state=\"").append(state).append("\"} ").append(n).append('\n');
    }

    private static void pushed(StringBuilder b, String tube, String outcome, long n) {
        b.append("sockq_push_total{tube=\"").append(tube).append("\",outcome=\"").append(outcome).append("\"} ")
         .append(n).append('\n');
    }

    private static void datagram(StringBuilder b, String outcome, long n) {
        b.append("sockq_datagrams_total{outcome=\"").append(outcome).append("\"} ").append(n).append('\n');
    }

    private static void metric(StringBuilder b, String name, String type, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
         .append("# TYPE ").append(name).append(' ').append(type).append('\n')
         .append(name).append(' ').append(value).append('\n');
    }
}
