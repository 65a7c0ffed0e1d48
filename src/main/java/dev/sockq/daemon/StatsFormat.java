package dev.sockq.daemon;

import dev.sockq.bus.Op;

import java.util.List;

/** The YAML documents of stats, stats-tube, stats-job and the tube lists, laid out as beanstalkd 1.12 prints them. */
final class StatsFormat {
    private StatsFormat() {
    }

    static String job(Job j, long now) {
        long timeLeft = j.state == JobState.RESERVED || j.state == JobState.DELAYED
                ? secondsLeft(j.deadlineAt, now) : 0;
        return "---\n"
                + "id: " + j.id + "\n"
                + "tube: " + j.tube.name + "\n"
                + "state: " + j.state.word + "\n"
                + "pri: " + j.pri + "\n"
                + "age: " + (now - j.createdAt) / 1000 + "\n"
                + "delay: " + j.delayMs / 1000 + "\n"
                + "ttr: " + j.ttrMs / 1000 + "\n"
                + "time-left: " + timeLeft + "\n"
                + "file: 0\n"
                + "reserves: " + j.reserves + "\n"
                + "timeouts: " + j.timeouts + "\n"
                + "releases: " + j.releases + "\n"
                + "buries: " + j.buries + "\n"
                + "kicks: " + j.kicks + "\n";
    }

    static String tube(Tube t, long now) {
        long left = t.paused() ? secondsLeft(t.unpauseAt, now) : 0;
        return "---\n"
                + "name: " + t.name + "\n"
                + "current-jobs-urgent: " + t.urgent + "\n"
                + "current-jobs-ready: " + t.ready.size() + "\n"
                + "current-jobs-reserved: " + t.reserved + "\n"
                + "current-jobs-delayed: " + t.delayed.size() + "\n"
                + "current-jobs-buried: " + t.buried.size() + "\n"
                + "total-jobs: " + t.totalJobs + "\n"
                + "current-using: " + t.using + "\n"
                + "current-watching: " + t.watching + "\n"
                + "current-waiting: " + t.waiting.size() + "\n"
                + "cmd-delete: " + t.deleteCount + "\n"
                + "cmd-pause-tube: " + t.pauseCount + "\n"
                + "pause: " + t.pauseMs / 1000 + "\n"
                + "pause-time-left: " + left + "\n";
    }

    /**
     * Whole seconds until a deadline, truncated as beanstalkd does with its nanosecond clock,
     * where some time has always passed since the deadline was set (so a fresh TTR of 10 shows 9).
     */
    private static long secondsLeft(long deadline, long now) {
        return Math.max(0, (deadline - now - 1) / 1000);
    }

    static String tubeList(List<Tube> tubes) {
        StringBuilder sb = new StringBuilder(16 + tubes.size() * 16).append("---\n");
        for (Tube t : tubes) {
            sb.append("- ").append(t.name).append('\n');
        }
        return sb.toString();
    }

    /** The server stats, with the journal's binlog-* lines in beanstalkd's place for them. */
    static String server(Daemon.Counters c, ServerInfo info, long uptimeSec, String binlog) {
        String[] rusage = info.rusage();
        long[] op = c.ops;
        StringBuilder sb = new StringBuilder(1024);
        sb.append("---\n")
          .append("current-jobs-urgent: ").append(c.urgent).append('\n')
          .append("current-jobs-ready: ").append(c.ready).append('\n')
          .append("current-jobs-reserved: ").append(c.reserved).append('\n')
          .append("current-jobs-delayed: ").append(c.delayed).append('\n')
          .append("current-jobs-buried: ").append(c.buried).append('\n');
        for (String[] k : Daemon.STATS_OPS) {
            sb.append(k[0]).append(": ").append(op[Op.valueOf(k[1]).ordinal()]).append('\n');
        }
        sb.append("job-timeouts: ").append(c.jobTimeouts).append('\n')
          .append("total-jobs: ").append(c.totalJobs).append('\n')
          .append("max-job-size: ").append(c.maxJobSize).append('\n')
          .append("current-tubes: ").append(c.tubes).append('\n')
          .append("current-connections: ").append(c.connections).append('\n')
          .append("current-producers: ").append(c.producers).append('\n')
          .append("current-workers: ").append(c.workers).append('\n')
          .append("current-waiting: ").append(c.waiting).append('\n')
          .append("total-connections: ").append(c.totalConnections).append('\n')
          .append("pid: ").append(info.pid()).append('\n')
          .append("version: \"").append(info.version()).append("\"\n")
          .append("rusage-utime: ").append(rusage[0]).append('\n')
          .append("rusage-stime: ").append(rusage[1]).append('\n')
          .append("uptime: ").append(uptimeSec).append('\n')
          .append(binlog)
          .append("draining: ").append(c.draining).append('\n')
          .append("id: ").append(info.instanceId()).append('\n')
          .append("hostname: ").append(info.hostname()).append('\n')
          .append("os: ").append(info.os()).append('\n')
          .append("platform: ").append(info.platform()).append('\n');
        return sb.toString();
    }
}
