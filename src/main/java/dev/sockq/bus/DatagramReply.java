package dev.sockq.bus;

/**
 * The daemon's answer to a {@link DatagramPut}: the reply line a TCP client would get, and
 * whether the token was a repeat (nothing inserted).
 */
public record DatagramReply(String line, boolean duplicate) {
}
