package dev.sockq.journal;

import com.carrotsearch.hppc.LongHashSet;
import dev.sockq.daemon.IdMap;

/** A set of job ids (the live jobs anchored in one journal file), hashed like {@link IdMap}. */
final class IdSet extends LongHashSet {
    @Override
    protected int hashKey(long id) {
        return IdMap.spread(id);
    }
}
