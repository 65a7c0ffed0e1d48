package dev.sockq.bus;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which daemon shard owns a tube (a stable hash of its name) or a job id (shard K issues
 * K+1, K+1+N, K+1+2N...), so that every sender can route without asking anyone.
 */
public final class Shards {
    private Shards() {
    }

    /** The shard of a tube: CRC32 of its name's bytes, modulo the shard count (stable across runs). */
    public static int ofTube(String name, int shards) {
        if (shards == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.US_ASCII));
        return (int) (crc.getValue() % shards);
    }

    /** The shard that issued a job id (ids are unsigned; 0 and other never-issued ids land anywhere). */
    public static int ofId(long id, int shards) {
        return shards == 1 ? 0 : (int) Long.remainderUnsigned(id - 1, shards);
    }

    /** The smallest id above {@code id} that {@code shard} of {@code shards} issues. */
    public static long nextIdAfter(long id, int shard, int shards) {
        long next = id + 1;
        long off = Math.floorMod(next - 1 - shard, (long) shards);
        return off == 0 ? next : next + shards - off;
    }
}
