package dev.sockq.daemon;

import java.util.Arrays;

/** A growable byte array for reply bytes; ASCII appends avoid String.getBytes on the hot path. */
final class ReplyBuffer {
    private static final byte[] EMPTY = new byte[0];
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
        if (v == 0) {
            ensure(1);
            bytes[size++] = '0';
            return this;
        }
        if (v < 0) {
            return ascii(Long.toString(v));
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        ensure(digits);
        int end = size + digits;
        for (int i = end - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        size = end;
        return this;
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
