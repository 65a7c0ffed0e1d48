package dev.sockq.journal;

import java.nio.file.Path;

/**
 * One preallocated journal file, as the daemon thread sees it: where the next record goes,
 * and which live jobs have their whole state (JOB record) here, which is what pins the file.
 */
final class Segment {
    static final byte[] MAGIC = {'S', 'O', 'C', 'K', 'Q', 'J', 'N', 'L'};
    static final int VERSION = 1;
    /** magic, version u32, sequence u64, reserved u32 */
    static final int HEADER = 24;

    final long seq;
    final Path path;
    final long size;
    long writePos = HEADER;
    /** Ids of live jobs whose JOB record is in this segment. */
    final IdSet anchored = new IdSet();
    long liveBytes;

    Segment(long seq, Path path, long size) {
        this.seq = seq;
        this.path = path;
        this.size = size;
    }

    long remaining() {
        return size - writePos;
    }

    static String fileName(long seq) {
        return String.format("journal-%010d.log", seq);
    }
}
