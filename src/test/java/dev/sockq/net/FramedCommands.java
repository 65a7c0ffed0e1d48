package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Runs a byte stream through a {@link CommandFramer} in given chunk sizes and describes each command it yields. */
final class FramedCommands {
    private FramedCommands() {
    }

    /** Feeds {@code stream} in chunks whose sizes cycle through {@code chunkSizes} (each at least 1). */
    static List<String> frame(byte[] stream, List<Integer> chunkSizes, long maxJobSize) {
        CommandFramer f = new CommandFramer(maxJobSize);
        List<String> out = new ArrayList<>();
        int pos = 0;
        int i = 0;
        while (pos < stream.length) {
            int n = Math.min(stream.length - pos, chunkSizes.isEmpty() ? stream.length : Math.max(1, chunkSizes.get(i++ % chunkSizes.size())));
            byte[] chunk = new byte[n];
            System.arraycopy(stream, pos, chunk, 0, n);
            pos += n;
            f.feed(Buffer.buffer(chunk));
            Command c;
            while ((c = f.next()) != null) {
                out.add(describe(c));
            }
        }
        return out;
    }

    static String describe(Command c) {
        if (c.op == Op.ERROR) {
            return "ERROR " + c.error.trim() + (c.attempted != null ? " by " + c.attempted : "");
        }
        String d = ReferenceFraming.describe(c.op.name(), c.id, c.pri, c.delayMs, c.ttrMs, c.count, c.tube);
        return c.body != null ? d + " body=" + HexFormat.of().formatHex(c.body) : d;
    }
}
