package dev.sockq.net;

/**
 * Settings of the TCP listener.
 *
 * @param maxInFlight commands a connection may have at the daemon before sockq stops reading
 *                    from it (bounds the replies it can owe a client that does not read)
 * @param shutdownTimeoutMs how long a stopping server lets connections finish their commands
 */
public record TcpOptions(String host, int port, long maxJobSize, int maxInFlight, long shutdownTimeoutMs) {
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
}
