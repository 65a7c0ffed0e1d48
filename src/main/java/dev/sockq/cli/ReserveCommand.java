package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * `sockq reserve`: reserves one job and prints its body (its id goes to stderr). Without
 * --delete the job returns to ready when the command exits, as with any beanstalkd client
 * that disconnects.
 */
@Command(name = "reserve", description = {"Reserve a job and print its body (the id goes to stderr as 'id: N').",
    "Without --delete the job goes back to ready when this command exits."})
final class ReserveCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, description = "tube to watch (repeatable; default: default)")
    List<String> tubes;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long (exit 1)")
    Integer timeout;

    @Option(names = "--delete", description = "delete the job once printed")
    boolean delete;

    @Override
    int run(BeanstalkClient c, PrintWriter out) throws Exception {
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
        out.print(new String(job.body(), StandardCharsets.UTF_8));
        out.flush();
        if (delete) {
            c.delete(job.id()).await();
        }
        return OK;
    }
}
