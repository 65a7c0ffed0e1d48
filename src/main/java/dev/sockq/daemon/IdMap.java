package dev.sockq.daemon;

import com.carrotsearch.hppc.LongObjectHashMap;

/**
 * A map keyed by job id (or another id handed out in sequence, such as a session id), with no
 * boxed key and no node object per entry.
 *
 * <p>Ids are handed out in sequence, so the hash keeps neighbouring ids in neighbouring slots
 * (HPPC's default mixing scatters them and made a million lookups three to five times slower
 * from cache misses), while folding in the higher bits so that ids spaced by a power of two do
 * not pile onto one slot.
 */
public final class IdMap<V> extends LongObjectHashMap<V> {
    @Override
    protected int hashKey(long id) {
        return spread(id);
    }

    /** The slot hash for a job id, shared by every id-keyed table. */
    public static int spread(long id) {
        return (int) (id ^ (id >>> 16) ^ (id >>> 32));
    }
}
