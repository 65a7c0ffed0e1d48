package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** `sockq peek`: prints a job's body without reserving it: by id, or the next ready/delayed/buried one of a tube. */
@Command(name = "peek", description = "Print a job's body by ID, or the next --ready, --delayed or --buried job of a tube.")
final class PeekCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
    Long id;

    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @Option(names = "--ready")
    boolean ready;

    @Option(names = "--delayed")
    boolean delayed;

    @Option(names = "--buried")
    boolean buried;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        Job job;
        if (id != null) {
            job = c.peek(id).await();
        } else {
            c.use(tube).await();
            job = (delayed ? c.peekDelayed() : buried ? c.peekBuried() : c.peekReady()).await();
        }
        spec.commandLine().getErr().println("id: " + job.id());
        out.print(new String(job.body(), StandardCharsets.UTF_8));
        return OK;
    }
}
