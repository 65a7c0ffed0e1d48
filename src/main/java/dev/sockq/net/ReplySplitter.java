package dev.sockq.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a daemon shard's reply bytes into single replies: a line, plus for RESERVED, FOUND,
 * OFFERED and OK the data block its last number announces. A shard always sends whole replies.
 */
final class ReplySplitter {
    private ReplySplitter() {
    }

    static void split(byte[] bytes, Consumer<byte[]> each) {
        int pos = 0;
        while (pos < bytes.length) {
            int eol = pos;
            while (bytes[eol] != '\r' || bytes[eol + 1] != '\n') {
                eol++;
            }
            int end = eol + 2;
            byte first = bytes[pos];
            if (first == 'R' || first == 'F' || first == 'O') {
                String line = new String(bytes, pos, eol - pos, StandardCharsets.US_ASCII);
                if (line.startsWith("RESERVED ") || line.startsWith("FOUND ") || line.startsWith("OFFERED ")
                        || line.startsWith("OK ")) {
                    end += Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)) + 2;
                }
            }
            each.accept(Arrays.copyOfRange(bytes, pos, end));
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
}
