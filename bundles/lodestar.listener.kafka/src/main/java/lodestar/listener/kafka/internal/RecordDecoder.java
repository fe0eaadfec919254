package lodestar.listener.kafka.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import lodestar.api.Sample;
import lodestar.support.json.SampleJson;
import lodestar.support.lineprotocol.LineProtocolParser;

/**
 * Turns a record's value into samples: what lodestar.sink.kafka writes, one JSON object or one line of line
 * protocol, and what Telegraf and others write (several lines per record). {@code auto} tells them apart by the
 * first character. Not thread-safe (the decoder is reused): one per consumer thread.
 */
final class RecordDecoder {

    enum Format { AUTO, JSON, LINE }

    private final Format format;
    private final LineProtocolParser line;
    private final int maxBytes;

    RecordDecoder(String format, String precision, int maxBytes) {
        this.format = switch (format == null ? "" : format.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Format.AUTO;
            case "json" -> Format.JSON;
            case "line" -> Format.LINE;
            default -> throw new IllegalArgumentException("format: must be auto, json or line, got '" + format + "'");
        };
        TimeUnit unit = switch (precision == null ? "" : precision.trim().toLowerCase(Locale.ROOT)) {
            case "s" -> TimeUnit.SECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ns" -> TimeUnit.NANOSECONDS;
            default -> throw new IllegalArgumentException("precision: must be s, ms, us or ns, got '" + precision + "'");
        };
        this.line = new LineProtocolParser(unit);
        this.maxBytes = maxBytes;
    }

    /**
     * The samples in {@code value}, added to {@code out}.
     *
     * @throws IllegalArgumentException saying why the record is not samples (nothing is added then)
     */
    void decode(byte[] value, List<Sample> out) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("empty record");
        }
        if (value.length > maxBytes) {
            throw new IllegalArgumentException("record of " + value.length + " bytes, over maxRecordSize");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8");
        }
        boolean json = format == Format.JSON || (format == Format.AUTO && text.stripLeading().startsWith("{"));
        if (json) {
            out.add(SampleJson.parse(text));
            return;
        }
        int size = out.size();
        try {
            for (String l : text.split("\n")) {
                String t = l.strip();
                if (!t.isEmpty() && t.charAt(0) != '#') {
                    out.addAll(line.parse(t));
                }
            }
        } catch (IllegalArgumentException e) {
            out.subList(size, out.size()).clear(); // all of the record or none of it
            throw e;
        }
        if (out.size() == size) {
            throw new IllegalArgumentException("no line in the record");
        }
    }
}
