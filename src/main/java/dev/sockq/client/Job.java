package dev.sockq.client;

/** A job as the server hands it out by reserve or peek: its id and its body, byte for byte. */
public record Job(long id, byte[] body) {
}
