package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** `sockq reserve`: reserves one job and prints its body raw (the id goes to stderr), optionally deleting or burying it. */
@Command(name = "reserve", description = {"Reserve a job and print its body.",
    "The body goes to stdout byte for byte, the id to stderr as 'id: N'.",
    "Without --delete or --bury the job stays reserved until this command exits, then goes back to ready"
        + " (the server releases the jobs of a closed connection, as beanstalkd does)."})
final class ReserveCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, paramLabel = "TUBE", description = "tube to watch (repeatable; default: default)")
    List<String> tubes;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long (exit 1, TIMED_OUT); 0 = only if one is ready now")
    Integer timeout;

    @Option(names = "--delete", description = "delete the job once printed")
    boolean delete;

    @Option(names = "--bury", description = "bury the job once printed (keeping its priority); `kick` brings it back")
    boolean bury;

    @Override
    void prepare() {
        if (delete && bury) {
            throw new ParameterException(spec.commandLine(), "--delete and --bury exclude each other");
        }
    }

    @Override
    int run(BeanstalkClient c, PrintWriter out) throws IOException {
        if (tubes != null && !tubes.isEmpty()) {
            for (String t : tubes) {
                c.watch(t).await();
            }
            if (!tubes.contains("default")) {
                c.ignore("default").await();
            }
        }
        Job job = (timeout == null ? c.reserve() : c.reserveWithTimeout(timeout)).await();
        spec.commandLine().getErr().println("id: " + job.id());
        writeBody(job.body());
        if (delete) {
            c.delete(job.id()).await();
        } else if (bury) {
            // bury takes a priority; the job's own keeps it where it was in the buried queue's order
            long pri = Long.parseLong(c.statsJob(job.id()).await().getOrDefault("pri", "1024"));
            c.bury(job.id(), pri).await();
        }
        return OK;
    }
}
