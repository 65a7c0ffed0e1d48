package dev.sockq.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where each daemon shard keeps its journal: with one shard, the data folder itself (as before
 * shards existed); with N, its subfolders shard-0 ... shard-(N-1). Tubes are placed by a hash
 * modulo N, so data written with another N would put jobs on the wrong shard: refused.
 */
public final class ShardLayout {
    private static final Pattern SHARD_DIR = Pattern.compile("shard-(\\d+)");

    private ShardLayout() {
    }

    /** The journal folder of {@code shard} of {@code shards} under {@code dataDir}. */
    public static Path dirOf(Path dataDir, int shard, int shards) {
        return shards == 1 ? dataDir : dataDir.resolve("shard-" + shard);
    }

    /** Throws IllegalStateException, saying what to do, unless {@code dataDir} holds data for {@code shards} shards or none. */
    public static void check(Path dataDir, int shards) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        TreeSet<Integer> found = new TreeSet<>();
        boolean unsharded;
        try (Stream<Path> entries = Files.list(dataDir)) {
            unsharded = entries.anyMatch(p -> {
                String name = p.getFileName().toString();
                Matcher m = SHARD_DIR.matcher(name);
                if (m.matches() && Files.isDirectory(p)) {
                    found.add(Integer.parseInt(m.group(1)));
                }
                return name.startsWith("journal-") && name.endsWith(".log");
            });
        }
        if (shards == 1 && !found.isEmpty()) {
            throw new IllegalStateException(dataDir + " holds journals of " + (found.last() + 1)
                    + " daemon shards (shard-N folders): start with --daemon-shards " + (found.last() + 1));
        }
        if (shards > 1 && unsharded) {
            throw new IllegalStateException(dataDir + " holds the journal of a single daemon (journal-*.log): "
                    + "start with --daemon-shards 1, or use an empty --data-dir for " + shards + " shards");
        }
        if (shards > 1 && !found.isEmpty() && (found.size() != shards || found.first() != 0 || found.last() != shards - 1)) {
            throw new IllegalStateException(dataDir + " holds journals of shards " + found + ", not of " + shards
                    + " shards: tubes would land on other shards than their jobs; start with --daemon-shards "
                    + (found.last() + 1));
        }
    }
}
