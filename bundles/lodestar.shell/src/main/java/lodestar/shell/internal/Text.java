package lodestar.shell.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Formatting shared by the commands: values, ages and local timestamps. */
final class Text {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

    private Text() {
    }

    /**
     * A value as a script reads it back: whole numbers without {@code .0} ({@code 42}), others in
     * Java's shortest round-trip form ({@code 0.25}, {@code 1.0E-7}), {@code NaN}, {@code Infinity}.
     */
    static String value(double v) {
        return lodestar.support.config.Units.formatValue(v);
    }

    /** An age in the largest two units: {@code 0s}, {@code 42s}, {@code 3m5s}, {@code 2h0m}, {@code 4d3h}. */
    static String age(long millis) {
        return lodestar.support.config.Units.formatAge(millis);
    }

    /** ISO local date-time to the second ({@code 2024-05-01T13:45:10}), or to the millisecond when asked. */
    static String localTime(long epochMillis, ZoneId zone, boolean millis) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), zone);
        return (millis ? MILLIS : SECONDS).format(t);
    }

    /** A message on one line: line breaks become blanks, null becomes the exception's class name. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
