package dev.sockq.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a daemon shard's reply bytes into single replies: a line, plus for RESERVED, FOUND,
 * OFFERED and OK the data block its last number announces. A shard always sends whole replies.
 */
final class ReplySplitter {
    private static final byte[][] WITH_DATA = {ascii("RESERVED "), ascii("FOUND "), ascii("OFFERED "), ascii("OK ")};

    private ReplySplitter() {
    }

    /** Hands each reply to {@code each}, in order (the array itself when it holds just one). */
    static void split(byte[] bytes, Consumer<byte[]> each) {
        int pos = 0;
        while (pos < bytes.length) {
            int eol = pos;
            while (bytes[eol] != '\r' || bytes[eol + 1] != '\n') {
                eol++;
            }
            int end = eol + 2;
            if (hasData(bytes, pos)) {
                end += lastNumber(bytes, eol) + 2;
            }
            each.accept(pos == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, pos, end));
            pos = end;
        }
    }

    /** The reply's first line, without CRLF. */
    static String line(byte[] reply) {
        int eol = 0;
        while (reply[eol] != '\r') {
            eol++;
        }
        return new String(reply, 0, eol, StandardCharsets.US_ASCII);
    }

    private static boolean hasData(byte[] b, int pos) {
        for (byte[] word : WITH_DATA) {
            if (b.length - pos >= word.length && Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) {
                return true;
            }
        }
        return false;
    }

    /** The decimal number that ends the line ending at {@code eol}. */
    private static int lastNumber(byte[] b, int eol) {
        int start = eol;
        while (b[start - 1] != ' ') {
            start--;
        }
        int n = 0;
        for (int i = start; i < eol; i++) {
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
