package lodestar.listener.statsd.internal;

/**
 * Byte-level helpers for the hot path: Etsy's key sanitizer as a lookup table, a strict decimal number
 * parser that allocates nothing for ordinary values, UTF-8 validation and hashing.
 */
final class Bytes {

    private Bytes() {
    }

    /** Sanitizer table: the output byte, or {@link #DROP}, or {@link #WS} (a whitespace run becomes one '_'). */
    static final byte DROP = 0;
    static final byte WS = 1;
    static final byte[] SANITIZE = new byte[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            SANITIZE[c] = (byte) c;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            SANITIZE[c] = (byte) c;
        }
        for (int c = '0'; c <= '9'; c++) {
            SANITIZE[c] = (byte) c;
        }
        for (char c : new char[] {'_', '-', '.', ';', '='}) {
            SANITIZE[c] = (byte) c;
        }
        SANITIZE['/'] = '-';
        // JavaScript's \s in the ASCII range: space, \t \n \v \f \r
        for (int c : new int[] {' ', '\t', '\n', 0x0b, '\f', '\r'}) {
            SANITIZE[c] = WS;
        }
    }

    /**
     * Hash of the sanitized form of {@code b[from, to)}, the same for every spelling that sanitizes to the
     * same bytes (used to route a line to its shard before it is parsed).
     */
    static final int FNV_SEED = 0x811c9dc5;
    static final int FNV_PRIME = 0x01000193;

    static int sanitizedHash(byte[] b, int from, int to) {
        int h = FNV_SEED;
        boolean ws = false;
        for (int i = from; i < to; i++) {
            byte m = SANITIZE[b[i] & 0xff];
            if (m == DROP) {
                continue;
            }
            if (m == WS) {
                if (ws) {
                    continue;
                }
                ws = true;
                m = '_';
            } else {
                ws = false;
            }
            h = (h ^ m) * FNV_PRIME;
        }
        return h;
    }

    /** Hash of bytes, well mixed (for open-addressing tables). */
    static int hash(byte[] b, int from, int to) {
        int h = HASH_SEED;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return mix(h);
    }

    /** The seed of {@link #hash}, for callers that compute {@code h = 31 * h + byte} as they go. */
    static final int HASH_SEED = 0x9747b28c;

    /** The finalizer of {@link #hash}. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * Bytes {@code [from, from + min(8, len - from))} of {@code b[0, len)} as a long (first byte lowest), 0 past
     * the end: with {@link Metric#k0}/{@link Metric#k1} a key of up to 16 bytes compares without reading its array.
     */
    static long word(byte[] b, int from, int len) {
        long x = 0;
        int to = Math.min(len, from + 8);
        for (int i = to - 1; i >= from; i--) {
            x = (x << 8) | (b[i] & 0xff);
        }
        return x;
    }

    /** Whether {@code a} equals {@code b[0, len)} (a plain loop: keys are short, the intrinsic's set-up costs more). */
    static boolean equals(byte[] a, byte[] b, int len) {
        if (a.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** First "|#" in [from, to), or -1. */
    static int indexOfTagMark(byte[] b, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (b[i] == '|' && b[i + 1] == '#') {
                return i;
            }
        }
        return -1;
    }

    static boolean isJsSpace(byte c) {
        return c == ' ' || (c >= 9 && c <= 13);
    }

    /** Whether [from, to) is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF). */
    static boolean validUtf8(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
                c &= 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
                c &= 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
                c &= 0x07;
            } else {
                return false;
            }
            if (i + n >= to) {
                return false;
            }
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return false;
                }
                c = (c << 6) | (cc & 0x3f);
            }
            if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
            1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * Parses a decimal number {@code [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?} in [from, to): the value, or NaN when
     * the text is anything else (empty, hex, whitespace, NaN, Infinity) or overflows to infinity.
     * Correctly rounded, like JavaScript's Number() and Java's Double.parseDouble.
     */
    static double parseNumber(byte[] b, int from, int to) {
        int i = from;
        if (i >= to) {
            return Double.NaN;
        }
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
        }
        long mant = 0;
        int sig = 0; // significant digits accumulated in mant
        int digits = 0;
        int frac = 0;
        boolean exact = true;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            if (sig < 15) {
                mant = mant * 10 + (b[i] - '0');
                if (mant != 0) {
                    sig++;
                }
            } else {
                exact = false;
            }
            digits++;
            i++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                if (sig < 15) {
                    mant = mant * 10 + (b[i] - '0');
                    if (mant != 0) {
                        sig++;
                    }
                    frac++;
                } else {
                    exact = false;
                }
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < to) {
            if (b[i] != 'e' && b[i] != 'E') {
                return Double.NaN;
            }
            int j = i + 1;
            if (j < to && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j >= to) {
                return Double.NaN;
            }
            for (; j < to; j++) {
                if (b[j] < '0' || b[j] > '9') {
                    return Double.NaN;
                }
            }
            exact = false;
        }
        double v;
        if (exact && frac <= 22) {
            // mant < 10^15 < 2^53 and 10^frac are exact, so one division is correctly rounded
            v = frac == 0 ? (double) mant : mant / POW10[frac];
        } else {
            v = Double.parseDouble(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        if (Double.isInfinite(v)) {
            return Double.NaN;
        }
        return neg && (exact && frac <= 22) ? -v : v;
    }

    /**
     * Etsy's sample rate: '@' then digits and at most one dot (what its {@code /^@([\d\.]+)/} keeps), value
     * &gt; 0. Trailing whitespace is ignored as Number() does. Returns NaN when invalid.
     */
    static double parseRate(byte[] b, int from, int to) {
        while (to > from && isJsSpace(b[to - 1])) {
            to--;
        }
        if (to - from < 2 || b[from] != '@') {
            return Double.NaN;
        }
        for (int i = from + 1; i < to; i++) {
            if (b[i] != '.' && (b[i] < '0' || b[i] > '9')) {
                return Double.NaN;
            }
        }
        double r = parseNumber(b, from + 1, to);
        return r > 0 ? r : Double.NaN;
    }
}
