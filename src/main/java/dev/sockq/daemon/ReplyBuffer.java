package dev.sockq.daemon;

import java.util.Arrays;

/** A growable byte array for reply bytes; ASCII appends avoid String.getBytes on the hot path. */
final class ReplyBuffer {
    private static final byte[] EMPTY = new byte[0];
    /** "00" to "99", two ASCII digits per value. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] bytes = EMPTY;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Drops the bytes and the array that held them. */
    void discard() {
        bytes = EMPTY;
        size = 0;
    }

    ReplyBuffer ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    ReplyBuffer number(long v) {
        if (v < 0) {
            return ascii(Long.toString(v));
        }
        int digits = digits(v);
        ensure(digits);
        int i = size + digits;
        size = i;
        // two digits per division, from the end (as Long.toString does): ids and sizes are on every reply
        while (v >= 100) {
            int r = (int) (v % 100);
            v /= 100;
            bytes[--i] = PAIRS[2 * r + 1];
            bytes[--i] = PAIRS[2 * r];
        }
        int r = (int) v;
        if (r >= 10) {
            bytes[--i] = PAIRS[2 * r + 1];
            bytes[--i] = PAIRS[2 * r];
        } else {
            bytes[--i] = (byte) ('0' + r);
        }
        return this;
    }

    /** Decimal digits of a non-negative value. */
    private static int digits(long v) {
        long limit = 10;
        for (int d = 1; d < 19; d++) {
            if (v < limit) {
                return d;
            }
            limit *= 10;
        }
        return 19;
    }

    ReplyBuffer raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    byte[] take() {
        if (size == 0) {
            return EMPTY;
        }
        byte[] result = Arrays.copyOf(bytes, size);
        size = 0;
        if (bytes.length > 64 * 1024) {
            bytes = EMPTY; // don't pin a big buffer to an idle session
        }
        return result;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, Math.max(256, bytes.length * 2)));
        }
    }
}
