package lodestar.listener.graphite.internal;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * Turns lines and pickle messages into samples, counts and logs what it cannot take, and hands the samples of
 * each round of reads (each datagram) on as one batch. One per receiver thread. Refusing input costs no more
 * than taking it: log lines (at most one per 10 s and kind) are built only when written, and the input they
 * quote is cut and escaped ({@link LogText}).
 */
final class Handler {

    private static final Logger LOG = LoggerFactory.getLogger(Handler.class);

    private final Stats stats;
    private final Consumer<List<Sample>> out;
    private final LineParser parser = new LineParser();
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog pickleLog = new RateLimitedLog(10_000, LOG::warn);
    private final IntSupplier maxLineLength;
    private List<Sample> batch = new ArrayList<>();

    /** @param maxLineLength the longest line a datagram may hold now (the setting can change while running) */
    Handler(Stats stats, Consumer<List<Sample>> out, IntSupplier maxLineLength) {
        this.stats = stats;
        this.out = out;
        this.maxLineLength = maxLineLength;
    }

    /** One UDP datagram: one or more lines, handed on as one batch. */
    void datagram(ByteBuffer data, SocketAddress from) {
        stats.packets.increment();
        stats.udpPackets.increment();
        byte[] a = data.array();
        int len = data.limit();
        int max = maxLineLength.getAsInt();
        int start = 0;
        for (int j = 0; j <= len; j++) {
            if (j == len || a[j] == '\n') {
                if (j - start > max) {
                    overlongLine(from, a, start, j - start);
                } else if (j > start) {
                    line(a, start, j - start, from);
                }
                start = j + 1;
            }
        }
        flush();
    }

    /**
     * One plaintext line without its '\n' (a trailing '\r' is dropped here).
     *
     * @param from the sender, for the log only
     */
    void line(byte[] a, int off, int len, Object from) {
        if (len > 0 && a[off + len - 1] == '\r') {
            len--;
        }
        try {
            Sample s = parser.parse(a, off, len, System.currentTimeMillis());
            if (s != null) {
                stats.lines.increment();
                batch.add(s);
            }
        } catch (BadInput e) {
            stats.lines.increment();
            stats.badLines.increment();
            int n = len;
            badLog.log(() -> "bad graphite line from " + from + ": " + e.getMessage() + ": '" + LogText.of(a, off, n) + "'");
        }
    }

    /** A line longer than maxLineLength: counted once; {@code a[off, off + len)} is how it began. */
    void overlongLine(Object from, byte[] a, int off, int len) {
        stats.lines.increment();
        stats.badLines.increment();
        badLog.log(() -> "bad graphite line from " + from + ": line longer than maxLineLength: '" + LogText.of(a, off, len) + "'");
    }

    /** One length-framed pickle message. */
    void pickle(byte[] a, int off, int len, String from) {
        stats.pickleMessages.increment();
        try {
            Object o = PickleReader.read(a, off, len);
            PickleMetrics.samples(o, System.currentTimeMillis(), batch::add, why -> {
                stats.pickleBadEntries.increment();
                pickleLog.log(() -> "bad entry in graphite pickle from " + from + ": " + why.getMessage());
            });
        } catch (PickleReader.Rejected e) {
            stats.pickleRejected.increment();
            pickleLog.log(() -> "rejected graphite pickle from " + from + ": " + e.getMessage());
        } catch (BadInput e) {
            stats.pickleMalformed.increment();
            pickleLog.log(() -> "malformed graphite pickle from " + from + ": " + e.getMessage());
        }
    }

    void oversize(String from, long size, int max) {
        stats.oversizeMessages.increment();
        pickleLog.log(() -> "graphite pickle message of " + size + " bytes from " + from + " exceeds maxMessageSize ("
                + max + "); connection closed");
    }

    /** Hands on what the last read produced. */
    void flush() {
        if (!batch.isEmpty()) {
            List<Sample> b = batch;
            batch = new ArrayList<>();
            stats.samples.add(b.size());
            try {
                out.accept(b);
            } catch (RuntimeException e) {
                LOG.warn("the pipeline refused {} samples", b.size(), e);
            }
        }
    }
}
