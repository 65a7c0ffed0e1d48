package dev.sockq.daemon;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs of occupied slots stay short for the id sets a queue makes: removal (and a miss) walks to
 * the end of a run, so one long run makes every delete of an old job cost the whole backlog.
 */
class IdMapTest {

    /** The longest run of occupied slots in the table. */
    private static int longestRun(IdMap<?> map) {
        long[] keys = map.keys;
        int longest = 0;
        int run = 0;
        for (int i = 0; i < 2 * keys.length; i++) { // twice round: a run may wrap
            run = keys[i % keys.length] != 0 ? run + 1 : 0;
            longest = Math.max(longest, Math.min(run, keys.length));
        }
        return longest;
    }

    private static IdMap<Object> window(long from, long step, int count) {
        IdMap<Object> map = new IdMap<>();
        for (long i = 0, id = from; i < count; i++, id += step) {
            map.put(id, Boolean.TRUE);
        }
        return map;
    }

    @Test
    void aBacklogOfConsecutiveIdsLeavesOnlyShortRuns() {
        for (int count : new int[] {1_000, 49_000, 100_000, 190_000, 1_500_000}) {
            for (long from : new long[] {1, 5_000_000, 123_456_789}) {
                int run = longestRun(window(from, 1, count));
                assertTrue(run <= 64, count + " ids from " + from + ": a run of " + run);
            }
        }
    }

    @Test
    void shardedAndPowerOfTwoSpacedIdsLeaveOnlyShortRuns() {
        for (long step : new long[] {2, 3, 4, 8, 1 << 16, 1 << 20}) {
            int run = longestRun(window(1 + step / 2, step, 50_000));
            assertTrue(run <= 64, "ids every " + step + ": a run of " + run);
        }
    }

    @Test
    void removingTheOldestJobsOneByOneKeepsTheRest() {
        IdMap<Object> map = window(1, 1, 100_000);
        for (long id = 1; id <= 60_000; id++) {
            map.remove(id);
        }
        assertEquals(40_000, map.size());
        for (long id = 60_001; id <= 100_000; id++) {
            assertTrue(map.containsKey(id), "still there: " + id);
        }
    }
}
