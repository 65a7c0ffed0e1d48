package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.BeanstalkException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** `sockq delete`: deletes jobs by id (ready, delayed or buried ones). */
@Command(name = "delete", description = "Delete jobs by id; exit 1 if any was not found.")
final class DeleteCommand extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "jobs to delete (ready, delayed or buried)")
    List<Long> ids;

    @Override
    int run(BeanstalkClient c, PrintWriter out) throws Exception {
        int code = OK;
        for (long id : ids) {
            try {
                c.delete(id).await();
                out.println("deleted " + id);
            } catch (BeanstalkException e) {
                spec.commandLine().getErr().println(id + ": " + e.reply());
                code = NO;
            }
        }
        return code;
    }
}
