package dev.sockq.net;

/**
 * Settings of the TCP listener.
 *
 * @param maxInFlight commands a connection may have at the daemon before sockq stops reading
 *                    from it (bounds the replies it can owe a client that does not read)
 * @param shutdownTimeoutMs how long a stopping server lets connections finish their commands
 * @param slowClientTimeoutMs how long a connection's unwritten replies may stay above
 *                    {@link #outputBound()} (the client reads nothing) before it is dropped; 0: never
 * @param maxPendingOutput reply bytes a connection may owe (written, not yet taken by the
 *                    kernel) before it is dropped at once
 * @param tls         null for plain TCP
 */
public record TcpOptions(String host, int port, long maxJobSize, int maxInFlight, long shutdownTimeoutMs,
                         long slowClientTimeoutMs, long maxPendingOutput, TlsOptions tls) {
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    /**
     * Unwritten reply bytes above which a connection stops being read and its slow-client clock
     * runs: 1 MiB, or one reply of the largest job if that is more.
     */
    public long outputBound() {
        return Math.max(1 << 20, maxJobSize + 64);
    }

    /** The same listener on another port (instances after the first bind the port it got). */
    public TcpOptions onPort(int port) {
        return new TcpOptions(host, port, maxJobSize, maxInFlight, shutdownTimeoutMs, slowClientTimeoutMs,
                maxPendingOutput, tls);
    }
}
