package dev.sockq.bus;

/**
 * A put that arrived as one datagram, on its way to the daemon (request/reply).
 *
 * @param token idempotency token from the optional `id` line, or null
 * @param tube  tube from the optional `use` line ("default" otherwise)
 * @param put   the put command with its body
 */
public record DatagramPut(String token, String tube, Command put) {
}
