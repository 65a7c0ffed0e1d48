package dev.sockq.journal;

import com.carrotsearch.hppc.LongLongHashMap;
import dev.sockq.daemon.IdMap;

/**
 * Where each live job's latest JOB record is: the file's sequence number in the high 32 bits,
 * the record's size in the low 32, so a journal of millions of jobs keeps a long per job rather
 * than an object per job.
 */
final class AnchorMap extends LongLongHashMap {
    @Override
    protected int hashKey(long id) {
        return IdMap.spread(id);
    }

    static long pack(long seq, int size) {
        return seq << 32 | size;
    }

    static long seq(long anchor) {
        return anchor >>> 32;
    }

    static int size(long anchor) {
        return (int) anchor;
    }
}
