package dev.sockq.daemon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reply numbers are written by hand (two digits at a time): they must read exactly as Long.toString. */
class ReplyBufferTest {
    private static String number(long v) {
        return new String(new ReplyBuffer().ascii("<").number(v).ascii(">").take(), StandardCharsets.US_ASCII);
    }

    private static void check(long v) {
        assertEquals("<" + v + ">", number(v));
    }

    @Test
    void everySmallNumber() {
        for (long v = 0; v <= 100_000; v++) {
            check(v);
        }
    }

    @Test
    void aroundEveryPowerOfTenAndTheEnds() {
        for (long p = 10; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) {
            check(p - 1);
            check(p);
            check(p + 1);
        }
        check(4_294_967_295L); // the largest priority
        check(Long.MAX_VALUE);
        check(-1);
        check(Long.MIN_VALUE);
    }

    @Test
    void randomValuesOfEveryLength() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            check(random.nextLong() >>> random.nextInt(64));
        }
    }

    @Test
    void numbersAppendAfterEachOtherAcrossGrowth() {
        ReplyBuffer b = new ReplyBuffer();
        StringBuilder expected = new StringBuilder();
        for (long v = 1; v < 1_000_000_000_000L; v = v * 7 + 3) {
            b.number(v).ascii(" ");
            expected.append(v).append(' ');
        }
        assertEquals(expected.toString(), new String(b.take(), StandardCharsets.US_ASCII));
    }
}
