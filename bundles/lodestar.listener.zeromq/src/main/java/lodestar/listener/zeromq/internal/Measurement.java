package lodestar.listener.zeromq.internal;

import java.nio.charset.StandardCharsets;

/**
 * One Zibrato message, decoded: {@code level|mtype|name|value|timestamp|source} (an older publisher sends only
 * {@code level|mtype|name|value}; the source is then {@value #NO_SOURCE}, as Zibrato's default).
 *
 * @param timestampSeconds the publisher's epoch seconds, or -1 when the message has none
 */
record Measurement(String level, Type type, String name, double value, long timestampSeconds, String source) {

    /** Zibrato's default source. */
    static final String NO_SOURCE = "not_specified";
    static final int MAX_NAME = 255;
    static final int MAX_LEVEL = 32;
    static final int MAX_SOURCE = 255;

    /** The measurement types Zibrato's workers know. */
    enum Type { COUNTER, TIMER, GAUGE }

    /** A message that is not a measurement; the message says why (for the rate-limited log line). */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String why) {
            super(why, null, false, false); // no stack trace: these come by the thousand from a broken publisher
        }
    }

    /**
     * Decodes one message.
     *
     * @throws Malformed when it is not {@code level|mtype|name|value[|timestamp[|source]]} with a known type, a
     *                   finite decimal value and printable names
     */
    static Measurement parse(byte[] message) throws Malformed {
        String s = new String(message, StandardCharsets.UTF_8);
        String[] f = s.split("\\|", -1);
        if (f.length < 4 || f.length > 6) {
            throw new Malformed("expected level|mtype|name|value|timestamp|source, got " + f.length + " fields");
        }
        String level = token("level", f[0], MAX_LEVEL);
        Type type = type(f[1]);
        String name = token("name", f[2], MAX_NAME);
        double value = decimal(f[3]);
        long ts = -1;
        if (f.length >= 5 && !f[4].isEmpty()) {
            ts = timestamp(f[4]);
        }
        String source = f.length == 6 && !f[5].isEmpty() ? token("source", f[5], MAX_SOURCE) : NO_SOURCE;
        if (type == Type.TIMER && value < 0) {
            throw new Malformed("negative timer value");
        }
        return new Measurement(level, type, name, value, ts, source);
    }

    /** Zibrato's workers match the type loosely: Counter/counters/count, Timer/timer/timers, Gauge/gauges. */
    static Type type(String t) throws Malformed {
        String l = t.trim().toLowerCase(java.util.Locale.ROOT);
        if (l.startsWith("count")) {
            return Type.COUNTER;
        }
        if (l.startsWith("time")) {
            return Type.TIMER;
        }
        if (l.startsWith("gauge")) {
            return Type.GAUGE;
        }
        throw new Malformed("unknown mtype");
    }

    /** A name, level or source: 1..max printable characters without spaces (they end up in series keys). */
    private static String token(String what, String v, int max) throws Malformed {
        if (v.isEmpty()) {
            throw new Malformed("empty " + what);
        }
        if (v.length() > max) {
            throw new Malformed(what + " longer than " + max);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c == 0x7f || c == ';' || c == '=' || c == ',' || c == '\uFFFD' || Character.isISOControl(c)) {
                throw new Malformed(what + " with a space, control or reserved character");
            }
        }
        return v;
    }

    /** A plain decimal ([-+]digits[.digits][e[-+]digits]): no NaN, Infinity, hex or Java suffixes. */
    static double decimal(String v) throws Malformed {
        int n = v.length();
        int i = 0;
        if (n == 0 || n > 64) {
            throw new Malformed("bad value");
        }
        if (v.charAt(i) == '-' || v.charAt(i) == '+') {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(v.charAt(i)) && v.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && v.charAt(i) == '.') {
            i++;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            throw new Malformed("bad value");
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
                i++;
            }
            int exp = 0;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                i++;
                exp++;
            }
            if (exp == 0) {
                throw new Malformed("bad value");
            }
        }
        if (i != n) {
            throw new Malformed("bad value");
        }
        double d = Double.parseDouble(v);
        if (!Double.isFinite(d)) {
            throw new Malformed("value out of range");
        }
        return d;
    }

    /** Epoch seconds, an integer (Python's int(time.time())) or a decimal. */
    private static long timestamp(String v) throws Malformed {
        try {
            double d = decimal(v);
            if (d < 0 || d > 1e11) {
                throw new Malformed("bad timestamp");
            }
            return (long) d;
        } catch (Malformed e) {
            throw new Malformed("bad timestamp");
        }
    }
}
