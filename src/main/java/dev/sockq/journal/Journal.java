package dev.sockq.journal;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.LongCursor;
import com.carrotsearch.hppc.cursors.LongLongCursor;
import dev.sockq.daemon.Durability;
import dev.sockq.daemon.JobImage;
import dev.sockq.daemon.JobState;
import dev.sockq.daemon.Replay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The write-ahead journal of one daemon: preallocated segment files of checksummed records.
 *
 * <p>The daemon thread appends records to memory and decides where each one goes (so it knows
 * ahead of time whether a put fits: puts are refused with OUT_OF_MEMORY when no preallocated
 * space is left, while deletes and updates keep working in a reserve kept in every file).
 * Under fsync always the daemon thread commits (writes and fsyncs) each batch itself, once per
 * batch of commands that queued up meanwhile (group commit); otherwise a writer thread writes
 * in the background and a timer forces the files. Files whose jobs are all gone are deleted oldest
 * first; when dead records dominate, the oldest file's live jobs are copied forward a few
 * hundred at a time so that one old job never pins the history behind it.
 */
public final class Journal implements Durability, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    /** Kept free in every file for updates and deletes once puts are refused. */
    static final int SLACK = 16 * 1024;
    private static final int MIGRATE_PER_STEP = 256;
    private static final int MAX_TUBE = 200;
    private static final int MAX_TOKEN = 64;

    private final JournalOptions options;
    private final long segmentSize;
    private final DirectoryLock lock;
    private final Executor onDaemon;
    private final ScheduledExecutorService writer;
    /** Preallocation writes megabytes of zeros: its own thread, so commits never queue behind it. */
    private final ScheduledExecutorService allocator;
    private final Map<Long, FileChannel> channels = new ConcurrentHashMap<>();

    /** Opens a segment file for writing. */
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    /** How segment files are opened; tests swap it for channels that fail as a dying disk does (EIO). */
    static volatile ChannelOpener opener = file -> FileChannel.open(file, StandardOpenOption.WRITE);

    // ---- daemon-thread state
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final AnchorMap anchors;
    private final LongObjectHashMap<Segment> bySeq = new LongObjectHashMap<>();
    private Segment current;
    /** Preallocated files ahead of the current one: at least 4 MiB of them, so a burst cannot outrun allocation. */
    private final ArrayDeque<Segment> ahead = new ArrayDeque<>();
    private static final long AHEAD_BYTES = 4L << 20;
    private final int aheadFiles;
    private boolean allocating;
    /** The last preallocation failed (disk full, folder gone): puts are refused until one succeeds. */
    private boolean allocationFailed;
    private volatile boolean closing;
    private Runnable onAllocation = () -> { };
    private long lastAllocationWarning;
    private List<Chunk> pending = new ArrayList<>();
    private long appended;
    private boolean writing;
    /** Under fsync always: a commit failed and its batch is being retried on the writer thread. */
    private volatile boolean commitFailing;
    /** A failing batch was given up at close: nothing after it may be written (it would follow a gap). */
    private volatile boolean lostWrites;
    private long migrated;
    private final long maxRecoveredId;
    private LongFunction<JobImage> images = id -> null;
    private LongSupplier highestId = () -> 0;
    /** Told each fsync's duration in nanoseconds, on the writer thread (for the latency histogram). */
    private volatile LongConsumer fsyncObserver = nanos -> { };
    private long compactionSteps;
    private final java.util.concurrent.atomic.AtomicLong filesDeleted = new java.util.concurrent.atomic.AtomicLong();

    /** Bytes for consecutive positions of one segment, written with one call. */
    private static final class Chunk {
        final Segment segment;
        final long position;
        byte[] bytes = new byte[256];
        int length;

        Chunk(Segment segment, long position) {
            this.segment = segment;
            this.position = position;
        }

        void add(byte[] b) {
            if (length + b.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + b.length, bytes.length * 2));
            }
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
        }
    }

    private Journal(JournalOptions options, long segmentSize, DirectoryLock lock, Executor onDaemon,
                    Recovery recovery) {
        this.options = options;
        this.segmentSize = segmentSize;
        this.aheadFiles = (int) Math.min(4, Math.max(1, (AHEAD_BYTES + segmentSize - 1) / segmentSize));
        this.lock = lock;
        this.onDaemon = onDaemon;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sockq-journal");
            t.setDaemon(true);
            return t;
        });
        this.allocator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sockq-journal-allocator");
            t.setDaemon(true);
            return t;
        });
        this.maxRecoveredId = recovery.maxId;
        segments.addAll(recovery.segments);
        for (Segment s : segments) {
            bySeq.put(s.seq, s);
        }
        this.anchors = recovery.anchors;
        for (LongLongCursor c : anchors) {
            Segment s = bySeq.get(AnchorMap.seq(c.value));
            s.anchored.add(c.key);
            s.liveBytes += AnchorMap.size(c.value);
        }
    }

    /**
     * Locks the folder, replays it into {@code replay} (finishing it) and opens the last file
     * for appending.
     *
     * @param maxJobSize the largest body a put may carry (files are made big enough for one)
     * @param onDaemon   runs a task on the daemon's thread (write completions come back through it)
     */
    public static Journal open(JournalOptions options, long maxJobSize, Executor onDaemon, Replay replay)
            throws IOException {
        Path dir = options.dir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create journal folder " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("journal folder " + dir + " is not writable");
        }
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            long started = System.nanoTime();
            Recovery recovery = Recovery.read(dir, options.salvage(), replay);
            replay.finish();
            long minSize = Segment.HEADER + JournalRecord.JOB_FIXED + MAX_TUBE + MAX_TOKEN + maxJobSize + 2L * SLACK;
            long size = Math.max(options.segmentSize(), minSize);
            Journal j = new Journal(options, size, lock, onDaemon, recovery);
            if (j.segments.isEmpty()) {
                Segment first = j.allocate(1);
                j.segments.add(first);
                j.bySeq.put(first.seq, first);
            }
            // Files after the last one with records are preallocated spares from the previous run:
            // use them as the files ahead instead of making new ones.
            Segment lastWithData = j.segments.peekFirst();
            for (Segment s : j.segments) {
                if (s.writePos > Segment.HEADER) {
                    lastWithData = s;
                }
            }
            j.current = lastWithData;
            for (Segment s : j.segments) {
                if (s.seq > lastWithData.seq) {
                    j.ahead.add(s);
                }
            }
            j.channel(j.current);
            log.info("journal: {} replayed: {} records in {} file(s), {} live jobs, in {} ms", dir,
                    recovery.records, recovery.segments.size(), recovery.anchors.size(),
                    (System.nanoTime() - started) / 1_000_000);
            j.requestNextSegment();
            return j;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The highest job id any record mentioned (ids continue after it). */
    public long maxRecoveredId() {
        return maxRecoveredId;
    }

    /**
     * @param images    where compaction reads the current state of a live job it copies forward
     * @param highestId the highest job id issued so far, recorded at the start of every file
     */
    public void attach(LongFunction<JobImage> images, LongSupplier highestId) {
        this.images = images;
        this.highestId = highestId;
    }

    // ------------------------------------------------------------------ Durability (daemon thread)

    @Override
    public boolean canAccept(int bodyBytes) {
        long need = bodyBytes < 0 ? JournalRecord.UPDATE_SIZE
                : JournalRecord.JOB_FIXED + MAX_TUBE + MAX_TOKEN + bodyBytes + SLACK;
        boolean ok = current.remaining() >= need || (!ahead.isEmpty() && ahead.peek().remaining() >= need);
        if (!ok) {
            requestNextSegment();
        }
        return ok;
    }

    @Override
    public boolean spaceComing() {
        return !allocationFailed;
    }

    /**
     * Runs {@code listener} on the daemon's thread each time a preallocation ends, ready or failed:
     * puts waiting for space go on, or are refused now that the disk said no.
     */
    public void onAllocation(Runnable listener) {
        this.onAllocation = listener;
    }

    @Override
    public void put(long id, String tube, long pri, long delayMs, long ttrMs, byte[] body, String token) {
        long wall = System.currentTimeMillis();
        JobState state = delayMs > 0 ? JobState.DELAYED : JobState.READY;
        appendJob(JournalRecord.job(id, state, pri, delayMs > 0 ? wall + delayMs : 0, ttrMs, tube, token, wall, body), id);
    }

    @Override
    public void update(long id, JobState state, long pri, long delayMs) {
        append(JournalRecord.update(id, state, pri, state == JobState.DELAYED ? System.currentTimeMillis() + delayMs : 0));
    }

    @Override
    public void delete(long id) {
        append(JournalRecord.delete(id));
        unanchor(id);
    }

    private void anchor(long id, Segment s, int size) {
        s.anchored.add(id);
        s.liveBytes += size;
        anchors.put(id, AnchorMap.pack(s.seq, size));
    }

    private void unanchor(long id) {
        if (!anchors.containsKey(id)) {
            return;
        }
        long a = anchors.remove(id);
        Segment s = bySeq.get(AnchorMap.seq(a));
        s.anchored.remove(id);
        s.liveBytes -= AnchorMap.size(a);
    }

    @Override
    public String binlogStats() {
        return "binlog-oldest-index: " + segments.peekFirst().seq + "\n"
                + "binlog-current-index: " + current.seq + "\n"
                + "binlog-records-migrated: " + migrated + "\n"
                + "binlog-records-written: " + appended + "\n"
                + "binlog-max-size: " + segmentSize + "\n";
    }

    @Override
    public Map<String, Long> metrics() {
        long bytes = 0;
        for (Segment s : segments) {
            bytes += s.size;
        }
        return Map.of("records", appended, "migrated", migrated, "files", (long) segments.size(), "bytes", bytes,
                "compactionSteps", compactionSteps, "filesDeleted", filesDeleted.get());
    }

    private void appendJob(byte[] record, long id) {
        Segment s = append(record);
        unanchor(id);
        anchor(id, s, record.length);
    }

    private Segment append(byte[] record) {
        if (record.length > current.remaining()) {
            if (ahead.isEmpty()) {
                // canAccept() keeps this from happening; if it does, the record cannot be kept
                throw new IllegalStateException("journal: no preallocated space for a record");
            }
            current = ahead.poll();
            try {
                channel(current); // opened here, off the commit's path
            } catch (IOException e) {
                // the commit opens it again and handles the failure there
            }
            requestNextSegment();
            place(JournalRecord.ids(highestId.getAsLong()));
        }
        return place(record);
    }

    private Segment place(byte[] record) {
        long pos = current.writePos;
        current.writePos += record.length;
        Chunk last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last == null || last.segment != current || last.position + last.length != pos) {
            last = new Chunk(current, pos);
            pending.add(last);
        }
        last.add(record);
        appended++;
        return current;
    }

    // ------------------------------------------------------------------ writing (group commit)

    public boolean fsyncAlways() {
        return options.fsync() == JournalOptions.Fsync.ALWAYS;
    }

    /**
     * fsync never or every MS: starts writing what was appended on the writer thread (no fsync),
     * unless a write is running; the next call after it ends takes everything appended meanwhile.
     *
     * @param done runs on the daemon thread when this batch is written
     */
    public void writeAsync(Runnable done) {
        if (writing || pending.isEmpty()) {
            return;
        }
        List<Chunk> batch = pending;
        pending = new ArrayList<>();
        writing = true;
        writer.execute(() -> {
            if (!writeWithRetry(batch, false, 0)) {
                lostWrites = true;
            }
            onDaemon.execute(() -> {
                writing = false;
                done.run();
            });
        });
    }

    /**
     * Writes and forces everything appended so far on the calling thread (the daemon's, under
     * fsync always): the caller has just collected a whole batch of commands, and handing it to
     * another thread and back would cost two thread wake-ups per commit for nothing.
     *
     * <p>If the disk fails, the batch goes to the writer thread, which retries it every second, so
     * the daemon thread keeps running (timers, stats, shutdown) while nothing more is acknowledged.
     *
     * @param recovered runs on the daemon thread once a failed batch is on disk: commit again then
     * @return true if everything appended is on disk; false while a failed batch is being retried
     *     (later records stay appended, for the commit after {@code recovered})
     */
    public boolean commitNow(Runnable recovered) {
        if (commitFailing) {
            return false;
        }
        if (pending.isEmpty()) {
            return true;
        }
        List<Chunk> batch = pending;
        pending = new ArrayList<>();
        try {
            writeBatch(batch, true);
            return true;
        } catch (IOException e) {
            commitFailing = true;
            log.error("journal: write failed, retrying every second; replies wait for the disk: {}", e.toString());
            writer.execute(() -> {
                if (writeWithRetry(batch, true, 1)) {
                    onDaemon.execute(() -> {
                        commitFailing = false;
                        recovered.run();
                    });
                } else {
                    lostWrites = true;
                }
            });
            return false;
        }
    }

    /** Whether a commit failed and is being retried (/ready says no meanwhile); any thread may ask. */
    public boolean commitFailing() {
        return commitFailing;
    }

    /** Whether records were appended that are not written yet. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Observes each fsync's duration (nanoseconds, called on the writer thread). */
    public void observeFsyncs(LongConsumer observer) {
        this.fsyncObserver = observer;
    }

    /** Forces written records to disk now (the MS policy's timer). */
    public void forceAsync() {
        writer.execute(() -> {
            long started = System.nanoTime();
            for (FileChannel ch : channels.values()) {
                try {
                    ch.force(false);
                } catch (IOException e) {
                    log.error("journal: fsync failed: {}", e.toString());
                }
            }
            fsyncObserver.accept(System.nanoTime() - started);
        });
    }

    /**
     * Writes (and with {@code sync} forces) a batch, retrying every second until it succeeds; each
     * attempt writes the whole batch again, so a retried fsync never trusts pages an earlier
     * failed one may have dropped. Replies waiting for the batch stay held meanwhile: nothing is
     * acknowledged that is not written.
     *
     * @param failures attempts that already failed (the first retry then waits its second)
     * @return true once written; false if the journal closed first (the batch's replies were never sent)
     */
    private boolean writeWithRetry(List<Chunk> batch, boolean sync, int failures) {
        for (int attempt = failures; ; attempt++) {
            if (attempt > 0) {
                if (closing) {
                    log.error("journal: closing with {} record chunk(s) unwritten after a write failure; "
                            + "nothing in them was acknowledged", batch.size());
                    return false;
                }
                sleep(1000);
            }
            try {
                writeBatch(batch, sync);
                if (attempt > 0) {
                    log.warn("journal: writes succeed again after {} retries", attempt);
                }
                return true;
            } catch (IOException e) {
                if (attempt == 0) {
                    log.error("journal: write failed, retrying every second: {}", e.toString());
                }
            }
        }
    }

    private void writeBatch(List<Chunk> batch, boolean sync) throws IOException {
        for (Chunk c : batch) {
            FileChannel ch = channel(c.segment);
            ByteBuffer b = ByteBuffer.wrap(c.bytes, 0, c.length);
            long pos = c.position;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        }
        if (sync) {
            long started = System.nanoTime();
            for (Chunk c : batch) {
                channel(c.segment).force(false);
            }
            fsyncObserver.accept(System.nanoTime() - started);
        }
    }

    // ------------------------------------------------------------------ files and compaction

    /** Deletes files no live job needs, and copies live jobs forward when dead records dominate. */
    public void maintain() {
        while (segments.size() > 1 && segments.peekFirst() != current && segments.peekFirst().anchored.isEmpty()) {
            Segment dead = segments.pollFirst();
            bySeq.remove(dead.seq);
            writer.execute(() -> deleteFile(dead));
        }
        if (segments.size() < 3) {
            return;
        }
        long used = 0;
        long live = 0;
        for (Segment s : segments) {
            used += s.writePos - Segment.HEADER;
            live += s.liveBytes;
        }
        if (used <= 2 * live + 2 * segmentSize) {
            return;
        }
        Segment oldest = segments.peekFirst();
        compactionSteps++;
        long[] ids = new long[Math.min(MIGRATE_PER_STEP, oldest.anchored.size())];
        Iterator<LongCursor> it = oldest.anchored.iterator();
        for (int n = 0; n < ids.length; n++) {
            ids[n] = it.next().value;
        }
        for (long id : ids) {
            JobImage img = images.apply(id);
            if (img == null || !canAccept(img.body().length)) {
                return;
            }
            long wall = System.currentTimeMillis();
            appendJob(JournalRecord.job(id, img.state(), img.pri(),
                    img.state() == JobState.DELAYED ? wall + img.delayMs() : 0, img.ttrMs(), img.tube(), null, 0,
                    img.body()), id);
            migrated++;
        }
    }

    private void requestNextSegment() {
        if (ahead.size() >= aheadFiles || allocating) {
            return;
        }
        allocating = true;
        long seq = (ahead.isEmpty() ? current : ahead.peekLast()).seq + 1;
        allocator.execute(() -> {
            Segment s;
            try {
                s = allocate(seq);
            } catch (IOException e) {
                if (closing) {
                    return; // close() interrupted the allocation: not a disk problem
                }
                onDaemon.execute(() -> {
                    allocating = false;
                    allocationFailed = true;
                    onAllocation.run();
                    long now = System.nanoTime();
                    if (now - lastAllocationWarning > TimeUnit.SECONDS.toNanos(30)) {
                        lastAllocationWarning = now;
                        log.error("journal: cannot preallocate {}: {}; puts answer OUT_OF_MEMORY until space returns",
                                Segment.fileName(seq), e.toString());
                    }
                });
                allocator.schedule(() -> onDaemon.execute(this::requestNextSegment), 1, TimeUnit.SECONDS);
                return;
            }
            onDaemon.execute(() -> {
                allocating = false;
                allocationFailed = false;
                ahead.add(s);
                segments.addLast(s);
                bySeq.put(s.seq, s);
                requestNextSegment();
                onAllocation.run();
            });
        });
    }

    /** Creates a segment file filled with zeros (so appends never run out of disk), synced with its folder. */
    private Segment allocate(long seq) throws IOException {
        Path file = options.dir().resolve(Segment.fileName(seq));
        Files.deleteIfExists(file); // a leftover from a failed attempt
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(Segment.HEADER);
            header.put(Segment.MAGIC).putInt(Segment.VERSION).putLong(seq).putInt(0).flip();
            ch.write(header, 0);
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long p = Segment.HEADER; p < segmentSize; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), segmentSize - p));
                p += ch.write(zeros, p);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        syncFolder();
        return new Segment(seq, file, segmentSize);
    }

    private void deleteFile(Segment s) {
        try {
            // records copied forward out of this file must be on disk before it goes
            for (FileChannel ch : channels.values()) {
                ch.force(false);
            }
            FileChannel ch = channels.remove(s.seq);
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(s.path);
            syncFolder();
            filesDeleted.incrementAndGet();
        } catch (IOException e) {
            log.warn("journal: cannot delete {}: {}", s.path, e.toString());
        }
    }

    private FileChannel channel(Segment s) throws IOException {
        FileChannel ch = channels.get(s.seq);
        if (ch == null) {
            ch = opener.open(s.path);
            FileChannel other = channels.putIfAbsent(s.seq, ch); // the daemon and writer threads both open files
            if (other != null) {
                ch.close();
                ch = other;
            }
        }
        return ch;
    }

    private void syncFolder() throws IOException {
        try (FileChannel dir = FileChannel.open(options.dir(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Finishes queued writes, forces them to disk and releases the folder; throws if a disk
     * failure left records unwritten (the replies waiting for them must not be sent).
     */
    @Override
    public void close() throws IOException {
        closing = true;
        List<Chunk> rest = pending;
        pending = new ArrayList<>();
        writer.execute(() -> {
            if (!lostWrites && !writeWithRetry(rest, true, 0)) {
                lostWrites = true;
            }
        });
        allocator.shutdownNow();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("journal: writer did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (FileChannel ch : channels.values()) {
                ch.force(true);
                ch.close();
            }
        } finally {
            lock.close();
        }
        if (lostWrites) {
            // the caller must not send the replies still waiting for the disk
            throw new IOException("journal: closed with records unwritten after a disk failure; none was acknowledged");
        }
    }
}
