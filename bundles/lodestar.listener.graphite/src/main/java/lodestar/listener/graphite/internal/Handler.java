package lodestar.listener.graphite.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.support.log.RateLimitedLog;

/**
 * Turns lines and pickle messages into samples, counts and logs what it cannot take, and hands each
 * read's samples on as one batch. Used by the receiver thread only.
 */
final class Handler {

    private static final Logger LOG = LoggerFactory.getLogger(Handler.class);

    private final Stats stats;
    private final Consumer<List<Sample>> out;
    private final LineParser parser = new LineParser();
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog pickleLog = new RateLimitedLog(10_000, LOG::warn);
    private List<Sample> batch = new ArrayList<>();

    Handler(Stats stats, Consumer<List<Sample>> out) {
        this.stats = stats;
        this.out = out;
    }

    /** One plaintext line without its '\n' (a trailing '\r' is dropped here). */
    void line(byte[] a, int off, int len, String from) {
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
            badLine(from, e.getMessage(), new String(a, off, Math.min(len, 200), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    void badLine(String from, String why, String line) {
        stats.badLines.increment();
        badLog.log(() -> "bad graphite line from " + from + ": " + why + ": '" + line + "'");
    }

    /** One length-framed pickle message. */
    void pickle(byte[] a, int off, int len, String from) {
        stats.pickleMessages.increment();
        try {
            Object o = PickleReader.read(a, off, len);
            PickleMetrics.samples(o, System.currentTimeMillis(), batch::add, why -> {
                stats.pickleBadEntries.increment();
                pickleLog.log(() -> "bad entry in graphite pickle from " + from + ": " + why);
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
