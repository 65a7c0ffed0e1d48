package dev.sockq.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzing the TCP framing (CommandFramer and CommandParser) with random and mutated byte
 * streams cut into reads at random points. Tries come from {@code jqwik.tries.default}
 * (junit-platform.properties; raise it with {@code -Pfuzz}).
 */
class CommandFramerFuzzTest {
    private static final long MAX_JOB_SIZE = 64;

    /**
     * Every stream frames to exactly what beanstalkd 1.12 makes of it (the same commands, the
     * same errors, in the same order), however it is cut into reads, and nothing throws.
     */
    @Property
    void framingMatchesBeanstalkd112(@ForAll("streams") byte[] stream, @ForAll("chunkSizes") List<Integer> chunks,
                                     @ForAll("maxJobSizes") long maxJobSize) {
        assertEquals(ReferenceFraming.frame(stream, maxJobSize), FramedCommands.frame(stream, chunks, maxJobSize));
    }

    /** Cutting the stream differently never changes the commands (checked without the reference). */
    @Property
    void framingIsIndependentOfReadBoundaries(@ForAll("streams") byte[] stream, @ForAll("chunkSizes") List<Integer> a,
                                              @ForAll("chunkSizes") List<Integer> b) {
        assertEquals(FramedCommands.frame(stream, List.of(stream.length + 1), MAX_JOB_SIZE),
                FramedCommands.frame(stream, a, MAX_JOB_SIZE));
        assertEquals(FramedCommands.frame(stream, List.of(1), MAX_JOB_SIZE), FramedCommands.frame(stream, b, MAX_JOB_SIZE));
    }

    /** A malformed command between valid ones costs exactly one error reply; the commands after it frame as if alone. */
    @Property
    void oneErrorThenTheConnectionIsInStepAgain(@ForAll("validCommands") byte[] before,
                                                @ForAll("selfContainedError") Tuple.Tuple2<byte[], String> bad,
                                                @ForAll("validCommands") byte[] after,
                                                @ForAll("chunkSizes") List<Integer> chunks) {
        List<String> expected = new ArrayList<>(FramedCommands.frame(before, List.of(), MAX_JOB_SIZE));
        expected.add(bad.get2());
        expected.addAll(FramedCommands.frame(after, List.of(), MAX_JOB_SIZE));
        assertEquals(expected, FramedCommands.frame(ProtocolStreams.concat(before, bad.get1(), after), chunks, MAX_JOB_SIZE));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return ProtocolStreams.streams();
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return ProtocolStreams.chunkSizes();
    }

    @Provide
    Arbitrary<Long> maxJobSizes() {
        return Arbitraries.of(0L, 10L, MAX_JOB_SIZE, 65535L);
    }

    @Provide
    Arbitrary<byte[]> validCommands() {
        return ProtocolStreams.validCommands();
    }

    @Provide
    Arbitrary<Tuple.Tuple2<byte[], String>> selfContainedError() {
        return ProtocolStreams.selfContainedError(MAX_JOB_SIZE);
    }
}
