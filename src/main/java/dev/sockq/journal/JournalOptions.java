package dev.sockq.journal;

import java.nio.file.Path;

/**
 * Settings of the journal.
 *
 * @param fsyncEveryMs with {@link Fsync#INTERVAL}: how often written records are forced to disk
 * @param segmentSize  bytes per preallocated segment file
 * @param salvage      start even if a segment is corrupt in the middle, dropping its unreadable rest
 */
public record JournalOptions(Path dir, Fsync fsync, long fsyncEveryMs, long segmentSize, boolean salvage) {
    /** When writes reach the disk. */
    public enum Fsync {
        /** Replies wait for fsync; many clients share each one (group commit). */
        ALWAYS,
        /** Written to the OS at once, forced to disk every fsyncEveryMs. */
        INTERVAL,
        /** Written to the OS at once, never forced (the OS flushes when it likes). */
        NEVER
    }

    /** Parses "always", "never" or a number of milliseconds (0 means always, as beanstalkd's -f 0). */
    public static JournalOptions of(Path dir, String fsync, long segmentSize, boolean salvage) {
        return switch (fsync) {
            case "always", "0" -> new JournalOptions(dir, Fsync.ALWAYS, 0, segmentSize, salvage);
            case "never" -> new JournalOptions(dir, Fsync.NEVER, 0, segmentSize, salvage);
            default -> new JournalOptions(dir, Fsync.INTERVAL, Long.parseLong(fsync), segmentSize, salvage);
        };
    }
}
