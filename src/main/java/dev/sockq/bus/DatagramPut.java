package dev.sockq.bus;

/**
 * A put that arrived as one datagram, on its way to the daemon (request/reply).
 *
 * @param token  idempotency token from the optional `id` line, or null
 * @param tube   tube from the optional `use` line ("default" otherwise)
 * @param put    the put command with its body
 * @param sender the sender's address and port folded into a number (0 if unknown): the daemon tells
 *               one sender alone from many by it, as it does TCP sessions (its idle spin)
 */
public record DatagramPut(String token, String tube, Command put, long sender) {
    public DatagramPut(String token, String tube, Command put) {
        this(token, tube, put, 0);
    }

    /** The same put, from {@code host:port}. */
    public DatagramPut from(String host, int port) {
        return new DatagramPut(token, tube, put, (long) host.hashCode() << 16 ^ port);
    }
}
