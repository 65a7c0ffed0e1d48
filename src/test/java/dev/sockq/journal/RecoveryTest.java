package dev.sockq.journal;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.daemon.Daemon;
import dev.sockq.daemon.JobState;
import dev.sockq.daemon.Replay;
import dev.sockq.daemon.ServerInfo;
import dev.sockq.daemon.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replay of hand-made segment files: record semantics that are hard to reach through a server. */
class RecoveryTest {
    @TempDir
    Path dir;

    private final Daemon daemon = new Daemon(65535, System::currentTimeMillis, ServerInfo.current());

    @Test
    void idsContinueFromTheHighWaterMarkEvenWithNoJobRecordsLeft() throws IOException {
        segment(1, JournalRecord.ids(41));
        Recovery r = Recovery.read(dir, false, daemon.replay());
        assertEquals(41, r.maxId);
        assertTrue(r.anchors.isEmpty());
    }

    @Test
    void updatesAndDeletesApplyInOrderAndOrphansAreIgnored() throws IOException {
        segment(1,
                JournalRecord.update(3, JobState.BURIED, 1, 0),          // its JOB record was compacted away
                JournalRecord.job(5, JobState.READY, 10, 0, 1000, "t", null, 0, new byte[] {1, 2}),
                JournalRecord.update(5, JobState.BURIED, 7, 0),
                JournalRecord.job(6, JobState.READY, 10, 0, 1000, "t", "tok", 123, new byte[0]),
                JournalRecord.delete(6));
        segment(2, JournalRecord.ids(6),
                JournalRecord.job(5, JobState.BURIED, 7, 0, 1000, "t", null, 0, new byte[] {1, 2})); // copied forward
        Replay replay = daemon.replay();
        Recovery r = Recovery.read(dir, false, replay);
        replay.finish();
        assertEquals(6, r.maxId);
        Session s = daemon.open(1, "test");
        daemon.submit(1, List.of(Command.withId(Op.STATS_JOB, 5), Command.withId(Op.PEEK, 6), Command.withId(Op.PEEK, 3)));
        String out = new String(s.takeOutput(), StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("\nstate: buried\n") && out.contains("\npri: 7\n"), out);
        assertTrue(out.endsWith("NOT_FOUND\r\nNOT_FOUND\r\n"), out);
        // job 5's whole state now lives in file 2: file 1 pins nothing and can go
        assertEquals(1, r.anchors.size());
        assertEquals(2, AnchorMap.seq(r.anchors.get(5)));
    }

    private void segment(long seq, byte[]... records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(Segment.HEADER);
        header.put(Segment.MAGIC).putInt(Segment.VERSION).putLong(seq).putInt(0);
        out.write(header.array());
        for (byte[] r : records) {
            out.write(r);
        }
        out.write(new byte[4096]); // preallocated zeros after the records
        Files.write(dir.resolve(Segment.fileName(seq)), out.toByteArray());
    }
}
