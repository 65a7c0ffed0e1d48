package dev.sockq.journal;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal on real disk, through real sockets: restart, torn tail, corruption, compaction, locking, faults. */
class JournalTest {
    @TempDir
    Path dir;

    private TestServer start(JsonObject more) {
        return TestServer.start(new JsonObject().put("inMemory", false).put("dataDir", dir.toString())
                .put("maxJobSize", 2000).put("journalSegmentSize", 4096).mergeIn(more));
    }

    private TestServer start() {
        return start(new JsonObject());
    }

    @Test
    void everyStateSurvivesARestart() throws IOException {
        try (TestServer s = start(); RawClient c = s.client()) {
            assertEquals("INSERTED 1\r\n", c.call("put 10 0 60 5\r\nready\r\n"));
            assertEquals("INSERTED 2\r\n", c.call("put 20 300 60 7\r\ndelayed\r\n"));
            assertEquals("USING other\r\n", c.call("use other\r\n"));
            assertEquals("INSERTED 3\r\n", c.call("put 30 0 60 6\r\nburied\r\n"));
            assertEquals("INSERTED 4\r\n", c.call("put 40 0 60 8\r\nreserved\r\n"));
            assertEquals("INSERTED 5\r\n", c.call("put 50 0 60 7\r\ndeleted\r\n"));
            assertEquals("INSERTED 6\r\n", c.call("put 60 0 60 8\r\nreleased\r\n"));
            assertEquals("INSERTED 7\r\n", c.call("put 70 0 60 6\r\nkicked\r\n"));
            assertEquals("INSERTED 8\r\n", c.call("put 0 0 60 4\r\nlast\r\n"));
            c.call("watch other\r\n");
            c.call("ignore default\r\n");
            assertEquals("RESERVED 8 4\r\nlast\r\n", c.call("reserve\r\n"));
            assertEquals("DELETED\r\n", c.call("delete 8\r\n")); // the highest id is gone; ids must still go on
            assertEquals("RESERVED 3 6\r\nburied\r\n", c.call("reserve\r\n"));
            assertEquals("BURIED\r\n", c.call("bury 3 33\r\n"));
            assertEquals("RESERVED 4 8\r\nreserved\r\n", c.call("reserve\r\n"));
            assertEquals("RESERVED 5 7\r\ndeleted\r\n", c.call("reserve\r\n"));
            assertEquals("DELETED\r\n", c.call("delete 5\r\n"));
            assertEquals("RESERVED 6 8\r\nreleased\r\n", c.call("reserve\r\n"));
            assertEquals("RELEASED\r\n", c.call("release 6 66 200\r\n"));
            assertEquals("RESERVED 7 6\r\nkicked\r\n", c.call("reserve\r\n"));
            assertEquals("BURIED\r\n", c.call("bury 7 77\r\n"));
            assertEquals("KICKED\r\n", c.call("kick-job 7\r\n"));
            // job 4 stays reserved by this connection when the server goes away
        }
        try (TestServer s = start(); RawClient c = s.client()) {
            assertState(c, 1, "default", "ready", 10, "ready");
            assertState(c, 2, "default", "delayed", 20, "delayed");
            assertState(c, 3, "other", "buried", 33, "buried");
            assertState(c, 4, "other", "ready", 40, "reserved");
            assertEquals("NOT_FOUND\r\n", c.call("peek 5\r\n"));
            assertState(c, 6, "other", "delayed", 66, "released");
            assertState(c, 7, "other", "ready", 77, "kicked");
            assertEquals("NOT_FOUND\r\n", c.call("peek 8\r\n"));
            String job2 = c.call("stats-job 2\r\n");
            assertTrue(job2.contains("time-left: 29"), "delay keeps running across the restart: " + job2);
            assertEquals("INSERTED 9\r\n", c.call("put 0 0 60 3\r\nnew\r\n"));
            String stats = c.call("stats\r\n");
            assertTrue(stats.contains("current-jobs-ready: 4\n") && stats.contains("current-jobs-delayed: 2\n")
                    && stats.contains("current-jobs-buried: 1\n"), stats);
        }
    }

    @Test
    void datagramTokensSurviveARestart() throws IOException {
        String datagram = "id once\r\nput 0 0 60 2\r\nhi\r\n";
        try (TestServer s = start()) {
            assertEquals("INSERTED 1\r\n", udp(s.udpPort(), datagram));
        }
        try (TestServer s = start()) {
            assertEquals("INSERTED 1\r\n", udp(s.udpPort(), datagram));
            try (RawClient c = s.client()) {
                assertTrue(c.call("stats\r\n").contains("\ntotal-jobs: 1\n"));
            }
        }
    }

    @Test
    void tornTailIsDroppedAndEverythingBeforeItKept() throws IOException {
        try (TestServer s = start(); RawClient c = s.client()) {
            for (int i = 1; i <= 5; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.call("put 0 0 60 5\r\njob-" + i + "\r\n"));
            }
        }
        // a crash in the middle of the next record: half a record after the last good one
        Path last = lastWrittenSegment();
        long end = endOfData(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.seek(end);
            f.writeInt(500);          // a length that runs far past what was written
            f.writeInt(0x12345678);   // and a CRC that matches nothing
            f.write("job-".getBytes(StandardCharsets.US_ASCII));
        }
        try (TestServer s = start(); RawClient c = s.client()) {
            for (int i = 1; i <= 5; i++) {
                assertEquals("FOUND " + i + " 5\r\njob-" + i + "\r\n", c.call("peek " + i + "\r\n"));
            }
            assertEquals("INSERTED 6\r\n", c.call("put 0 0 60 5\r\njob-6\r\n"));
        }
        try (TestServer s = start(); RawClient c = s.client()) {
            assertEquals("FOUND 6 5\r\njob-6\r\n", c.call("peek 6\r\n"));
        }
    }

    @Test
    void corruptionInTheMiddleRefusesToStartUnlessSalvaging() throws IOException {
        try (TestServer s = start(); RawClient c = s.client()) {
            for (int i = 1; i <= 5; i++) {
                c.call("put 0 0 60 5\r\njob-" + i + "\r\n");
            }
        }
        Path file = lastWrittenSegment();
        byte[] a = Files.readAllBytes(file);
        int third = indexOf(a, "job-3");
        a[third] ^= 0x40; // a flipped bit inside the third record's body
        Files.write(file, a);
        Exception e = assertThrows(Exception.class, this::start);
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains("offset"),
                e.getMessage());
        try (TestServer s = start(new JsonObject().put("salvage", true)); RawClient c = s.client()) {
            assertEquals("FOUND 2 5\r\njob-2\r\n", c.call("peek 2\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("peek 3\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("peek 5\r\n"));
        }
    }

    @Test
    void compactionKeepsDiskProportionalToLiveJobs() throws IOException {
        String body = "b".repeat(1000);
        long segment = 256 * 1024;
        try (TestServer s = start(new JsonObject().put("journalSegmentSize", segment)); RawClient c = s.client()) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 60 3\r\nold\r\n"));
            c.call("reserve\r\n");
            assertEquals("BURIED\r\n", c.call("bury 1 0\r\n"));
            long maxFiles = 0;
            for (int round = 0; round < 40; round++) {
                StringBuilder cycle = new StringBuilder();
                for (int i = 0; i < 250; i++) {
                    cycle.append("put 0 0 60 1000\r\n").append(body).append("\r\n");
                }
                c.send(cycle.toString());
                StringBuilder deletes = new StringBuilder();
                for (int i = 0; i < 250; i++) {
                    String r = c.reply();
                    assertTrue(r.startsWith("INSERTED "), r);
                    deletes.append("delete ").append(r.trim().substring(9)).append("\r\n");
                }
                c.send(deletes.toString());
                for (int i = 0; i < 250; i++) {
                    assertEquals("DELETED\r\n", c.reply());
                }
                // Dead files are deleted on the writer thread behind an fsync, so on a slow disk the
                // folder lags the journal by a few files: wait (bounded) for it to catch up.
                maxFiles = Math.max(maxFiles, awaitFilesAtMost(10));
            }
            // 10,000 puts of 1 KB went through (~10 MB of records, 40 files of 256 KB without compaction)
            assertTrue(maxFiles <= 10, "journal files stayed at " + maxFiles);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("binlog-records-migrated: (\\d+)")
                    .matcher(c.call("stats\r\n"));
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, "the old buried job was copied forward");
        }
        long bytes = 0;
        for (Path p : segmentFiles()) {
            bytes += Files.size(p);
        }
        assertTrue(bytes <= 8 * segment, "journal holds " + bytes + " bytes for one live job");
        try (TestServer s = start(new JsonObject().put("journalSegmentSize", segment)); RawClient c = s.client()) {
            assertEquals("FOUND 1 3\r\nold\r\n", c.call("peek 1\r\n"));
            assertTrue(c.call("stats-job 1\r\n").contains("state: buried"));
            assertTrue(c.call("stats\r\n").contains("\ntotal-jobs: 1\n"));
            assertEquals("INSERTED 10002\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
        }
    }

    @Test
    void restartsReuseTheSpareFilesInsteadOfPilingUpNewOnes() throws IOException {
        int files;
        try (TestServer s = start(); RawClient c = s.client()) {
            assertEquals("INSERTED 1\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
            files = awaitFiles(5); // the file in use and four small ones preallocated ahead (4 MiB at most)
        }
        assertEquals(5, files);
        for (int i = 0; i < 3; i++) {
            try (TestServer s = start(); RawClient c = s.client()) {
                assertEquals("FOUND 1 1\r\nx\r\n", c.call("peek 1\r\n"));
            }
        }
        assertEquals(files, segmentFiles().size());
    }

    /** Preallocation runs in the background: wait (bounded) until it has made {@code n} files. */
    private int awaitFiles(int n) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (segmentFiles().size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return segmentFiles().size();
    }

    /** Deletion runs in the background: wait (bounded) until at most {@code n} files are left. */
    private int awaitFilesAtMost(int n) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (segmentFiles().size() > n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5); // leave the CPU to the writer thread this waits for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return segmentFiles().size();
    }

    @Test
    void aSecondDaemonOnTheSameFolderIsRefused() {
        try (TestServer s = start()) {
            Exception e = assertThrows(Exception.class, this::start);
            assertTrue(e.getMessage().contains("in use by another sockq"), e.getMessage());
        }
    }

    @Test
    void unusableFolderIsAClearError() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Exception e = assertThrows(Exception.class, () -> TestServer.start(new JsonObject()
                .put("inMemory", false).put("dataDir", file.resolve("journal").toString())));
        assertTrue(e.getMessage().contains("cannot create journal folder"), e.getMessage());
    }

    @Test
    void aBurstThatOutrunsPreallocationWaitsInsteadOfBeingRefused() throws IOException {
        // small files: a pipelined burst fills the spare file long before the next one is made
        try (TestServer s = start(); RawClient c = s.client()) {
            String body = "b".repeat(1500);
            int n = 3000;
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < n; i++) {
                burst.append("put 0 0 60 1500\r\n").append(body).append("\r\n");
            }
            c.send(burst.toString());
            for (int i = 1; i <= n; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.line());
            }
        }
    }

    @Test
    void noSpaceForNewFilesRefusesPutsKeepsDeletesAndRecovers() throws IOException {
        try (TestServer s = start(); RawClient c = s.client()) {
            // the next files cannot be created: something else holds their names (as a full disk would refuse them)
            for (int seq = 2; seq <= 12; seq++) {
                Path blocker = dir.resolve(String.format("journal-%010d.log", seq));
                try {
                    Files.createDirectories(blocker.resolve("blocker"));
                } catch (IOException madeMeanwhile) {
                    // the allocator made this file first (it runs ahead in the background): block the next ones
                }
            }
            String body = "z".repeat(2000);
            String r;
            int inserted = 0;
            do {
                r = c.call("put 0 0 60 2000\r\n" + body + "\r\n");
                inserted++;
            } while (r.startsWith("INSERTED") && inserted < 1000);
            assertEquals("OUT_OF_MEMORY\r\n", r);
            assertEquals("DELETED\r\n", c.call("delete 1\r\n"));
            assertTrue(c.call("stats\r\n").startsWith("OK "));
            // space returns
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(Files::isDirectory).toList()) {
                    Files.delete(p.resolve("blocker"));
                    Files.delete(p);
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                r = c.call("put 0 0 60 2000\r\n" + body + "\r\n");
            } while (!r.startsWith("INSERTED") && System.nanoTime() < deadline);
            assertTrue(r.startsWith("INSERTED"), r);
        }
    }

    @Test
    void aFailingFsyncHoldsRepliesWhileTheDaemonRunsOnAndLosesNothing() throws Exception {
        try (FailingDisk disk = new FailingDisk()) {
            try (TestServer s = start(new JsonObject().put("httpPort", 0)); RawClient a = s.client()) {
                assertEquals("INSERTED 1\r\n", a.call("put 0 0 60 5\r\nfirst\r\n"));
                disk.fail.set(true);
                a.send("put 0 0 60 6\r\nsecond\r\n");
                // the daemon's thread is not stuck retrying: it reports the failure and answers a scrape
                awaitStatus(s.httpPort(), "/ready", 503);
                HttpResponse<String> metrics = get(s.httpPort(), "/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("sockq_jobs{tube=\"default\",state=\"ready\"} 2\n"), metrics.body());
                assertTrue(a.silentFor(300), "nothing is acknowledged that is not on disk");
                disk.fail.set(false);
                assertEquals("INSERTED 2\r\n", a.line()); // the retry (every second) landed
                awaitStatus(s.httpPort(), "/ready", 200);
                assertEquals("INSERTED 3\r\n", a.call("put 0 0 60 5\r\nthird\r\n"));
            }
        }
        try (TestServer s = start(); RawClient c = s.client()) {
            assertEquals("RESERVED 1 5\r\nfirst\r\n", c.call("reserve-with-timeout 0\r\n"));
            assertEquals("RESERVED 2 6\r\nsecond\r\n", c.call("reserve-with-timeout 0\r\n"));
            assertEquals("RESERVED 3 5\r\nthird\r\n", c.call("reserve-with-timeout 0\r\n"));
        }
    }

    @Test
    void stoppingWhileTheDiskFailsSendsNoReplyForWhatIsNotOnDisk() throws Exception {
        try (FailingDisk disk = new FailingDisk()) {
            TestServer s = start(new JsonObject().put("httpPort", 0).put("shutdownTimeout", 1));
            try (RawClient a = s.client()) {
                assertEquals("INSERTED 1\r\n", a.call("put 0 0 60 5\r\nfirst\r\n"));
                disk.fail.set(true);
                a.send("put 0 0 60 6\r\nsecond\r\n");
                awaitStatus(s.httpPort(), "/ready", 503);
                // the journal's close gives the failing batch up and fails the stop
                assertThrows(Exception.class, () -> s.stopAsync().await(30, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(a.closedByServer(), "the connection closes without INSERTED 2");
            } finally {
                s.close();
            }
        }
        // the journal still opens: job 2 may or may not have reached the disk (its fsync failed), and
        // it was never acknowledged either way
        try (TestServer s = start(); RawClient c = s.client()) {
            assertEquals("RESERVED 1 5\r\nfirst\r\n", c.call("reserve-with-timeout 0\r\n"));
            String next = c.call("reserve-with-timeout 0\r\n");
            assertTrue(next.equals("TIMED_OUT\r\n") || next.equals("RESERVED 2 6\r\nsecond\r\n"), next);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitStatus(int port, String path, int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int last;
        while ((last = get(port, path).statusCode()) != status && System.nanoTime() < deadline) {
            Thread.sleep(20); // a poll with a deadline: readiness changes on another thread
        }
        assertEquals(status, last, path);
    }

    private void assertState(RawClient c, long id, String tube, String state, long pri, String body) throws IOException {
        String stats = c.call("stats-job " + id + "\r\n");
        assertTrue(stats.contains("\ntube: " + tube + "\nstate: " + state + "\npri: " + pri + "\n"), stats);
        assertEquals("FOUND " + id + " " + body.length() + "\r\n" + body + "\r\n", c.call("peek " + id + "\r\n"));
    }

    private static String udp(int port, String datagram) throws IOException {
        try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            u.setSoTimeout(5000);
            byte[] b = datagram.getBytes(StandardCharsets.US_ASCII);
            u.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            u.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("journal-\\d+\\.log") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    /** The newest file that holds records. */
    private Path lastWrittenSegment() throws IOException {
        List<Path> files = segmentFiles();
        for (int i = files.size() - 1; i >= 0; i--) {
            if (endOfData(files.get(i)) > Segment.HEADER) {
                return files.get(i);
            }
        }
        throw new AssertionError("no records written");
    }

    private static long endOfData(Path file) throws IOException {
        byte[] a = Files.readAllBytes(file);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(a);
        int pos = Segment.HEADER;
        while (pos + 8 <= a.length && b.getInt(pos) != 0) {
            pos += 8 + b.getInt(pos);
        }
        return pos;
    }

    private static int indexOf(byte[] a, String s) {
        byte[] n = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= a.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (a[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(s + " not found");
    }
}
