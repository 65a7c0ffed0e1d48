package dev.sockq.ops;

import java.util.concurrent.atomic.LongAdder;

/** Datagram counters shared by all UDP verticle instances, shown as extra keys in `stats`. */
public final class DatagramCounters {
    public final LongAdder received = new LongAdder();
    public final LongAdder inserted = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder rejected = new LongAdder();

    /** YAML lines for `stats`, after beanstalkd's own keys. */
    public String yaml() {
        return "udp-datagrams-received: " + received.sum() + "\n"
                + "udp-datagrams-inserted: " + inserted.sum() + "\n"
                + "udp-datagrams-duplicate: " + duplicates.sum() + "\n"
                + "udp-datagrams-rejected: " + rejected.sum() + "\n";
    }
}
