package dev.sockq.journal;

import dev.sockq.daemon.JobState;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The journal's record format. Each record is
 * {@code [u32 length][u32 crc32c][u8 type][payload]} where length counts type and payload and
 * the CRC covers them too; a length of 0 marks the end of the data in a preallocated segment.
 *
 * <pre>
 * JOB    (1): id u64, state u8, pri u32, delayUntil i64 (wall ms), ttr u32 (ms), tube u8+bytes,
 *             token u8+bytes, tokenAt i64 (wall ms), body u32+bytes     -- a job's whole state
 * UPDATE (2): id u64, state u8, pri u32, delayUntil i64                 -- ready/delayed/buried
 * DELETE (3): id u64
 * IDS    (4): id u64                                                   -- highest id issued so far
 * </pre>
 */
final class JournalRecord {
    static final byte JOB = 1;
    static final byte UPDATE = 2;
    static final byte DELETE = 3;
    static final byte IDS = 4;
    static final int HEADER = 8;
    /** Bytes of a JOB record besides its tube, token and body. */
    static final int JOB_FIXED = HEADER + 1 + 8 + 1 + 4 + 8 + 4 + 1 + 1 + 8 + 4;
    static final int UPDATE_SIZE = HEADER + 1 + 8 + 1 + 4 + 8;
    static final int DELETE_SIZE = HEADER + 1 + 8;

    private JournalRecord() {
    }

    static int jobSize(String tube, String token, int bodyLength) {
        return JOB_FIXED + tube.length() + (token == null ? 0 : token.length()) + bodyLength;
    }

    static byte[] job(long id, JobState state, long pri, long delayUntil, long ttrMs, String tube,
                      String token, long tokenAt, byte[] body) {
        byte[] t = tube.getBytes(StandardCharsets.US_ASCII);
        byte[] k = token == null ? new byte[0] : token.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(JOB_FIXED + t.length + k.length + body.length);
        b.position(HEADER);
        b.put(JOB).putLong(id).put((byte) state.ordinal()).putInt((int) pri).putLong(delayUntil)
                .putInt((int) Math.min(ttrMs, Integer.MAX_VALUE))
                .put((byte) t.length).put(t).put((byte) k.length).put(k).putLong(tokenAt)
                .putInt(body.length).put(body);
        return seal(b);
    }

    static byte[] update(long id, JobState state, long pri, long delayUntil) {
        ByteBuffer b = ByteBuffer.allocate(UPDATE_SIZE);
        b.position(HEADER);
        b.put(UPDATE).putLong(id).put((byte) state.ordinal()).putInt((int) pri).putLong(delayUntil);
        return seal(b);
    }

    static byte[] delete(long id) {
        return idRecord(DELETE, id);
    }

    /** Written first in every file, so ids keep growing even when every older file is gone. */
    static byte[] ids(long highest) {
        return idRecord(IDS, highest);
    }

    private static byte[] idRecord(byte type, long id) {
        ByteBuffer b = ByteBuffer.allocate(DELETE_SIZE);
        b.position(HEADER);
        b.put(type).putLong(id);
        return seal(b);
    }

    private static byte[] seal(ByteBuffer b) {
        byte[] a = b.array();
        CRC32C crc = new CRC32C();
        crc.update(a, HEADER, a.length - HEADER);
        b.putInt(0, a.length - HEADER).putInt(4, (int) crc.getValue());
        return a;
    }

    /** Whether {@code len} bytes at {@code off} (type and payload) match the CRC. */
    static boolean valid(byte[] a, int off, int len, int crc) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue() == crc;
    }

    /**
     * Reads records where they lie, one at a time, reusing itself: replay reads millions of
     * records and keeps only bodies, so it should not allocate anything else per record.
     * Fields that a type lacks keep stale values; read only those of {@link #type}.
     */
    static final class Reader {
        private static final JobState[] STATES = JobState.values();
        private byte[] a;
        byte type;
        long id;
        JobState state;
        long pri;
        long delayUntil;
        long ttrMs;
        int tubeOff;
        int tubeLen;
        int tokenOff;
        int tokenLen;
        long tokenAt;
        int bodyOff;
        int bodyLen;

        /** Reads the record whose type byte is at {@code off} in {@code b} (a whole file's bytes). */
        void read(ByteBuffer b, int off) {
            a = b.array();
            type = b.get(off);
            id = b.getLong(off + 1);
            if (type == DELETE || type == IDS) {
                return;
            }
            state = STATES[b.get(off + 9)];
            pri = b.getInt(off + 10) & 0xFFFF_FFFFL;
            delayUntil = b.getLong(off + 14);
            if (type == UPDATE) {
                return;
            }
            ttrMs = b.getInt(off + 22);
            tubeLen = b.get(off + 26) & 0xFF;
            tubeOff = off + 27;
            tokenLen = b.get(tubeOff + tubeLen) & 0xFF;
            tokenOff = tubeOff + tubeLen + 1;
            tokenAt = b.getLong(tokenOff + tokenLen);
            bodyLen = b.getInt(tokenOff + tokenLen + 8);
            bodyOff = tokenOff + tokenLen + 12;
        }

        byte[] body() {
            return Arrays.copyOfRange(a, bodyOff, bodyOff + bodyLen);
        }

        /** The token, or null when the job had none. */
        String token() {
            return tokenLen == 0 ? null : new String(a, tokenOff, tokenLen, StandardCharsets.US_ASCII);
        }

        /** Whether the tube name is {@code bytes} (so replay can reuse one String per tube). */
        boolean tubeIs(byte[] bytes) {
            return bytes != null && Arrays.equals(a, tubeOff, tubeOff + tubeLen, bytes, 0, bytes.length);
        }

        byte[] tubeBytes() {
            return Arrays.copyOfRange(a, tubeOff, tubeOff + tubeLen);
        }
    }
}
