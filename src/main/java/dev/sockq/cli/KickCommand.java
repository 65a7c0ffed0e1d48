package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** `sockq kick`: moves buried (else delayed) jobs of a tube back to ready, or one job by id. */
@Command(name = "kick", description = {"Kick buried (else delayed) jobs back to ready.",
    "Up to BOUND jobs of a tube, or the one job --job names (exit 1 if it is neither buried nor delayed)."})
final class KickCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @Option(names = "--job", paramLabel = "ID", description = "kick this job only (kick-job)")
    Long job;

    @Parameters(index = "0", arity = "0..1", defaultValue = "1", paramLabel = "BOUND", description = "most jobs to kick (default: 1)")
    int bound;

    @Override
    void prepare() {
        if (job != null && (given("--tube") || spec.commandLine().getParseResult().hasMatchedPositional(0))) {
            throw new ParameterException(spec.commandLine(), "--job kicks one job: no --tube or BOUND with it");
        }
    }

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
