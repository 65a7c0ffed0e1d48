package dev.sockq;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's one timer over TCP: deadlines that move earlier and later are all met. */
class DaemonTimerTest {
    @Test
    void anEarlierDeadlineAfterAFarOneIsMet() throws Exception {
        try (TestServer s = TestServer.start(); RawClient worker = s.client(); RawClient other = s.client()) {
            assertEquals("INSERTED 1\r\n", worker.call("put 0 0 600 1\r\na\r\n"));
            assertEquals("RESERVED 1 1\r\na\r\n", worker.call("reserve\r\n")); // timer armed 600 s ahead
            long start = System.nanoTime();
            assertEquals("INSERTED 2\r\n", other.call("put 0 1 60 1\r\nb\r\n")); // ready in 1 s: earlier
            assertEquals("RESERVED 2 1\r\nb\r\n", other.call("reserve-with-timeout 10\r\n"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 900 && ms < 5000, "delayed job ready after " + ms + " ms");
        }
    }

    @Test
    void aDeadlineThatMovedLaterIsStillMet() throws Exception {
        try (TestServer s = TestServer.start(); RawClient worker = s.client(); RawClient other = s.client()) {
            assertEquals("INSERTED 1\r\n", worker.call("put 0 0 1 1\r\na\r\n"));
            assertEquals("INSERTED 2\r\n", worker.call("put 0 0 3 1\r\nb\r\n"));
            assertEquals("RESERVED 1 1\r\na\r\n", worker.call("reserve\r\n")); // timer armed for job 1's TTR, 1 s
            assertEquals("RESERVED 2 1\r\nb\r\n", worker.call("reserve\r\n"));
            long start = System.nanoTime();
            // the earliest deadline moves 2 s later: the timer fires early, finds nothing due, and re-arms
            assertEquals("DELETED\r\n", worker.call("delete 1\r\n"));
            assertEquals("RESERVED 2 1\r\nb\r\n", other.call("reserve-with-timeout 10\r\n"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 1500 && ms < 6000, "job 2's TTR of 3 s ran out after " + ms + " ms");
            assertTrue(other.call("stats-job 2\r\n").contains("\ntimeouts: 1\n"));
        }
    }
}
