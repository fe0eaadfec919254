package lodestar.support.http.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import lodestar.support.snappy.Snappy;
import lodestar.support.snappy.SnappyException;

/**
 * A request body decompressed with the limit applied to what comes out, the listener's {@code maxDecompressedSize}:
 * a few kilobytes of gzip or snappy can stand for gigabytes, so a decompression bomb must cost no more than the limit.
 * gzip is inflated until the output passes the limit and stopped there; snappy declares its length first, which is
 * checked before anything is allocated ({@link Snappy#decompress(byte[], int)}). Stateless.
 */
public final class Decompress {

    private Decompress() {
    }

    /**
     * {@code gzipped} inflated (one or more gzip members), at most {@code limit} bytes of it.
     *
     * @throws BodyTooLarge  as soon as the output passes {@code limit}, before the rest is inflated
     * @throws MalformedBody when it is not gzip, or not whole
     */
    public static byte[] gzip(byte[] gzipped, long limit) throws BodyTooLarge, MalformedBody {
        try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(gzipped), 8192)) {
            // a first guess of 4x, which the limit caps: a bomb gets no bigger buffer than an honest body
            return RequestBody.readAtMost(z, Math.min(limit, (long) gzipped.length * 4), limit);
        } catch (BodyTooLarge e) {
            throw tooLarge(limit);
        } catch (IOException e) {
            // read from memory: every IOException is the body's format (ZipException, EOFException when truncated)
            throw new MalformedBody("bad gzip body: " + e.getMessage());
        }
    }

    /**
     * {@code block}, one snappy block (the block format, as Prometheus remote write sends it), decompressed; its
     * declared length is checked against {@code limit}, and against what the block could possibly expand to, first.
     *
     * @throws BodyTooLarge  when it declares more than {@code limit} bytes
     * @throws MalformedBody when it is not a (whole) snappy block
     */
    public static byte[] snappy(byte[] block, long limit) throws BodyTooLarge, MalformedBody {
        try {
            return Snappy.decompress(block, (int) Math.min(limit, Integer.MAX_VALUE));
        } catch (SnappyException e) {
            if (e.tooLarge()) {
                throw new BodyTooLarge(e.getMessage() + " (maxDecompressedSize)");
            }
            throw new MalformedBody(e.getMessage());
        }
    }

    private static BodyTooLarge tooLarge(long limit) {
        return new BodyTooLarge("body larger than maxDecompressedSize (" + limit + " bytes) once decompressed");
    }
}
