package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.Job;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;

/** `sockq peek`: prints a job's body raw without reserving it: by id, or the next ready/delayed/buried one of a tube. */
@Command(name = "peek", description = {"Print a job's body without reserving it.",
    "By ID, or the next ready (default), --delayed or --buried job of a tube; the body goes to stdout"
        + " byte for byte, the id to stderr as 'id: N'."})
final class PeekCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the job to show")
    Long id;

    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @ArgGroup(exclusive = true)
    Which which;

    static final class Which {
        @Option(names = "--ready", description = "the next ready job (the default)")
        boolean ready;

        @Option(names = "--delayed", description = "the delayed job with the least time left")
        boolean delayed;

        @Option(names = "--buried", description = "the next buried job")
        boolean buried;
    }

    @Override
    void prepare() {
        if (id != null && (which != null || given("--tube"))) {
            throw new ParameterException(spec.commandLine(), "ID names one job: no --tube, --ready, --delayed or --buried with it");
        }
    }

    @Override
    int run(BeanstalkClient c, PrintWriter out) throws IOException {
        Job job;
        if (id != null) {
            job = c.peek(id).await();
        } else {
            c.use(tube).await();
            boolean delayed = which != null && which.delayed;
            boolean buried = which != null && which.buried;
            job = (delayed ? c.peekDelayed() : buried ? c.peekBuried() : c.peekReady()).await();
        }
        spec.commandLine().getErr().println("id: " + job.id());
        writeBody(job.body());
        return OK;
    }
}
