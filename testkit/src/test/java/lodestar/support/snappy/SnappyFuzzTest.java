package lodestar.support.snappy;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the snappy block decoder remote write bodies go through (fuzz/README.md). It lives
 * in the test kit's tests because the support module's own tests cannot use the test kit. Seeds:
 * {@code SnappyFuzzTestInputs/}.
 */
class SnappyFuzzTest {

    private static final int MAX = 1 << 20;
    /**
     * the output array is sized by the block's declared length, which the decoder checks against the input first
     * (at most 22 bytes per input byte): that, and not more, may be allocated
     */
    private static final AllocationBound ALLOC = new AllocationBound("snappy decoder", 256 * 1024, 24);

    /**
     * A block: decoded or SnappyException, nothing else; "too large" only when the declared length is over the
     * maximum; memory bounded by what the input can expand to; what decodes compresses and decodes back the same.
     */
    @FuzzTest(maxDuration = "20s")
    void decompress(byte[] block) {
        byte[][] out = {null};
        SnappyException e = Rejections.only(SnappyException.class,
                () -> ALLOC.run(block.length, () -> out[0] = Snappy.decompress(block, MAX)));
        if (e != null) {
            if (e.tooLarge()) {
                int[] declared = {-1};
                SnappyException h = Rejections.only(SnappyException.class,
                        () -> declared[0] = Snappy.uncompressedLength(block, 0, block.length));
                Rejections.check(h != null ? h.tooLarge() : declared[0] > MAX, "refused as too large, declaring " + declared[0]);
            }
            return;
        }
        Rejections.check(Arrays.equals(out[0], roundTrip(out[0])), "compress + decompress changed the data");
    }

    /** Any bytes compress and decompress back to themselves. */
    @FuzzTest(maxDuration = "20s")
    void compress(byte[] data) {
        Rejections.check(Arrays.equals(data, roundTrip(data)), "compress + decompress changed the data");
    }

    private static byte[] roundTrip(byte[] data) {
        try {
            return Snappy.decompress(Snappy.compress(data), Math.max(MAX, data.length));
        } catch (SnappyException e) {
            throw new AssertionError("what compress wrote does not decompress: " + e.getMessage(), e);
        }
    }
}
