package lodestar.listener.graphite.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import lodestar.api.Kind;
import lodestar.api.Sample;

/**
 * Carbon's plaintext protocol, one line: {@code path value [timestamp]}, fields separated by whitespace.
 * Without a timestamp, or with {@code -1}, the sample is stamped now. Not thread-safe (one per thread).
 */
final class LineParser {

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** A line of bytes (without the '\n') into a sample; null for a blank line. */
    Sample parse(byte[] a, int off, int len, long nowMillis) throws BadInput {
        String line;
        try {
            line = utf8.decode(ByteBuffer.wrap(a, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInput("not UTF-8");
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
        double value = Numbers.parse("value", f[1]);
        long t = f.length == 3 ? Numbers.timestampMillis(Numbers.parse("timestamp", f[2]), nowMillis) : nowMillis;
        return new Sample(p.name(), p.tags(), value, t, Kind.GAUGE);
    }
}
