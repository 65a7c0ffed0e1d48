package dev.sockq.daemon;

import com.carrotsearch.hppc.LongObjectHashMap;

/**
 * A map keyed by job id (or another id handed out in sequence, such as a session id), with no
 * boxed key and no node object per entry.
 *
 * <p>Ids are handed out in sequence, so the hash keeps neighbouring ids near each other (HPPC's
 * default mixing scatters them and made a million lookups three to five times slower from cache
 * misses), but not in adjacent slots: the table probes linearly, and removing a key scans to
 * the end of its run of occupied slots, so consecutive ids in consecutive slots made every
 * delete of an old job walk the whole backlog (prodcons with a growing backlog spent 55% of the
 * daemon's time there). Times five puts consecutive ids five slots apart, so a window of live
 * ids fills the table as interleaved combs with short runs; folding in the higher bits keeps ids
 * spaced by a power of two off one slot.
 */
public final class IdMap<V> extends LongObjectHashMap<V> {
    @Override
    protected int hashKey(long id) {
        return spread(id);
    }

    /** The slot hash for a job id, shared by every id-keyed table. */
    public static int spread(long id) {
        long h = id * 5;
        return (int) (h ^ (h >>> 16) ^ (h >>> 32));
    }
}
