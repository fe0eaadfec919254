package lodestar.listener.graphite.internal;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.support.text.Utf8Decoder;

/**
 * Carbon's plaintext protocol, one line: {@code path value [timestamp]}, fields separated by whitespace.
 * Without a timestamp, or with {@code -1}, the sample is stamped now. Not thread-safe (one per thread).
 */
final class LineParser {

    private static final BadInput NOT_UTF8 = new BadInput("not UTF-8");

    private final Utf8Decoder utf8 = new Utf8Decoder();

    /** A line of bytes (without the '\n') into a sample; null for a blank line. */
    Sample parse(byte[] a, int off, int len, long nowMillis) throws BadInput {
        String line = utf8.decode(a, off, len);
        if (line == null) {
            throw NOT_UTF8; // immutable and without a stack trace: one instance serves every such line
        }
        return parse(line, nowMillis);
    }

    /** @return the sample, or null for a blank line (skipped, not an error) */
    static Sample parse(String line, long nowMillis) throws BadInput {
        if (line.isBlank()) {
            return null;
        }
        String[] f = line.strip().split("\\s+");
        if (f.length < 2 || f.length > 3) {
            throw new BadInput("expected 'path value [timestamp]', got " + f.length + " fields");
        }
        GraphitePath p = GraphitePath.parse(f[0]);
        double value = Numbers.parse(Numbers.VALUE, f[1]);
        long t = f.length == 3 ? Numbers.timestampMillis(Numbers.parse("timestamp", f[2]), nowMillis) : nowMillis;
        return new Sample(p.name(), p.tags(), value, t, Kind.GAUGE);
    }
}
