package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** `sockq kick`: moves buried (else delayed) jobs of a tube back to ready, or one job by id. */
@Command(name = "kick", description = "Kick up to BOUND buried (else delayed) jobs of a tube, or one job with --job.")
final class KickCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @Option(names = "--job", paramLabel = "ID", description = "kick this job only (kick-job)")
    Long job;

    @Parameters(index = "0", arity = "0..1", defaultValue = "1", paramLabel = "BOUND", description = "most jobs to kick (default: 1)")
    int bound;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        if (job != null) {
            c.kickJob(job).await();
            out.println("kicked " + job);
        } else {
            c.use(tube).await();
            out.println("kicked " + c.kick(bound).await());
        }
        return OK;
    }
}
