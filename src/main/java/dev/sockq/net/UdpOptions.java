package dev.sockq.net;

/**
 * Settings of the UDP listener.
 *
 * @param maxDatagram largest datagram accepted; larger ones answer JOB_TOO_BIG
 * @param replies     whether to send reply datagrams (off for fire-and-forget senders)
 * @param reusePort   bind with SO_REUSEPORT so several instances share the port
 */
public record UdpOptions(String host, int port, long maxJobSize, int maxDatagram, boolean replies, boolean reusePort) {
    /** The largest UDP payload over IPv4. */
    public static final int MAX_UDP_PAYLOAD = 65507;
}
