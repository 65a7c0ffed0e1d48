package dev.sockq.journal;

import dev.sockq.daemon.Replay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Replays the journal's segments at start: rebuilds every live job's lasting state, drops a
 * torn record at the very end (a crash mid-write) and refuses a corrupt record anywhere else
 * unless told to salvage.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    final List<Segment> segments = new ArrayList<>();
    /** Where each live job's latest JOB record is (the journal keeps this after replay). */
    final AnchorMap anchors = new AnchorMap();
    long maxId;
    long records;
    private final Replay sink;

    private Recovery(Replay sink) {
        this.sink = sink;
    }

    /** How many files the scanner may read ahead of replay (memory: this many files at once). */
    private static final int READ_AHEAD = 2;

    /** A file read and checked by the scanner: its bytes, and where its good records end. */
    private record Scanned(Path file, byte[] bytes, long seq, int end) {
    }

    /**
     * Replays every file of {@code dir} into {@code sink}, in order (without calling its finish).
     * A scanner thread reads each file and checks its records' CRCs while this thread applies
     * the file before: on two cores the checking and the rebuilding overlap.
     */
    static Recovery read(Path dir, boolean salvage, Replay sink) throws IOException {
        Recovery r = new Recovery(sink);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("journal-\\d{10}\\.log")).sorted().toList();
        }
        // A torn record can only be the last one written: files after it are preallocated and empty.
        int lastWithData = -1;
        for (int i = 0; i < files.size(); i++) {
            if (hasRecords(files.get(i))) {
                lastWithData = i;
            }
        }
        int lastIndex = lastWithData;
        ExecutorService scanner = Executors.newSingleThreadExecutor(t -> {
            Thread thread = new Thread(t, "sockq-journal-scanner");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ArrayDeque<Future<Scanned>> ahead = new ArrayDeque<>();
            int next = 0;
            long lastLog = System.nanoTime();
            for (int i = 0; i < files.size(); i++) {
                while (next < files.size() && ahead.size() < READ_AHEAD) {
                    Path file = files.get(next);
                    boolean last = next >= lastIndex;
                    ahead.add(scanner.submit(() -> scan(file, last, salvage)));
                    next++;
                }
                r.replay(take(ahead.poll()));
                if (System.nanoTime() - lastLog > 1_000_000_000L) { // long recoveries say how far they are
                    lastLog = System.nanoTime();
                    log.info("journal: replayed {} of {} files ({} records, {} live jobs so far)", i + 1, files.size(),
                            r.records, r.anchors.size());
                }
            }
        } finally {
            scanner.shutdownNow();
        }
        return r;
    }

    private static Scanned take(Future<Scanned> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("journal replay interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static boolean hasRecords(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            return ch.read(b, Segment.HEADER) == 4 && b.getInt(0) != 0;
        }
    }

    /**
     * Reads a file and checks its records: the good ones end at the first zero length, or at a
     * bad record, which is a torn write at the end of the last file (dropped, the tail zeroed) or
     * corruption (refused, or with salvage the rest of the file dropped).
     */
    private static Scanned scan(Path file, boolean last, boolean salvage) throws IOException {
        byte[] a = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(a);
        if (a.length < Segment.HEADER || !Arrays.equals(Arrays.copyOf(a, 8), Segment.MAGIC)) {
            throw new IOException("journal file " + file + " has no sockq journal header");
        }
        if (b.getInt(8) != Segment.VERSION) {
            throw new IOException("journal file " + file + " has unknown format version " + b.getInt(8));
        }
        int pos = Segment.HEADER;
        while (pos + JournalRecord.HEADER <= a.length) {
            int len = b.getInt(pos);
            if (len == 0) {
                break; // end of the written part of a preallocated file
            }
            int crc = b.getInt(pos + 4);
            boolean fits = len > 0 && len <= a.length - pos - JournalRecord.HEADER;
            if (fits && JournalRecord.valid(a, pos + JournalRecord.HEADER, len, crc)) {
                pos += JournalRecord.HEADER + len;
                continue;
            }
            long claimedEnd = fits ? pos + JournalRecord.HEADER + (long) len : a.length;
            boolean torn = last && zeroFrom(a, (int) Math.min(claimedEnd, a.length));
            if (torn) {
                log.warn("journal: dropped a torn record at the end of {} (offset {}): a write was cut short", file, pos);
            } else if (salvage) {
                log.error("journal: corrupt record in {} at offset {}; --salvage given, dropping the rest of that file",
                        file, pos);
            } else {
                throw new IOException("journal corrupt in " + file + " at offset " + pos
                        + "; refusing to start (start with --salvage to drop the unreadable rest of that file)");
            }
            zeroTail(file, pos);
            break;
        }
        return new Scanned(file, a, b.getLong(12), pos);
    }

    /** Applies a checked file's records, in order. */
    private void replay(Scanned f) {
        Segment seg = new Segment(f.seq(), f.file(), f.bytes().length);
        segments.add(seg);
        ByteBuffer b = ByteBuffer.wrap(f.bytes());
        for (int pos = Segment.HEADER; pos < f.end(); ) {
            int len = b.getInt(pos);
            reader.read(b, pos + JournalRecord.HEADER);
            apply(reader, seg, JournalRecord.HEADER + len);
            pos += JournalRecord.HEADER + len;
        }
        seg.writePos = f.end();
    }

    private void apply(JournalRecord.Reader d, Segment seg, int size) {
        records++;
        maxId = Math.max(maxId, d.id);
        switch (d.type) {
            case JournalRecord.JOB -> {
                sink.job(d.id, tube(d), d.state, d.pri, d.delayUntil, d.ttrMs, d.body(), d.token(), d.tokenAt);
                anchors.put(d.id, AnchorMap.pack(seg.seq, size));
            }
            case JournalRecord.UPDATE -> sink.update(d.id, d.state, d.pri, d.delayUntil);
            case JournalRecord.DELETE -> {
                sink.delete(d.id);
                anchors.remove(d.id);
            }
            case JournalRecord.IDS -> {
                // only raises maxId, above
            }
            default -> throw new IllegalStateException("unknown record type " + d.type);
        }
    }

    /** One String per tube, not per job; records of one tube usually come in runs. */
    private String tube(JournalRecord.Reader d) {
        if (!d.tubeIs(lastTubeBytes)) {
            lastTubeBytes = d.tubeBytes();
            lastTube = names.computeIfAbsent(new String(lastTubeBytes, StandardCharsets.US_ASCII), k -> k);
        }
        return lastTube;
    }

    private final JournalRecord.Reader reader = new JournalRecord.Reader();
    private byte[] lastTubeBytes;
    private String lastTube;
    private final Map<String, String> names = new HashMap<>();

    private static boolean zeroFrom(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Zeroes a file from {@code from}, so later appends are not followed by stale bytes. */
    private static void zeroTail(Path file, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            for (long p = from; p < size; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - p));
                p += ch.write(zeros, p);
            }
            ch.force(true);
        }
    }
}
