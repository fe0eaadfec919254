package lodestar.sink.graphite.internal;

import lodestar.api.Tags;

/**
 * Turns a sample's name and tags into the series path Carbon stores, as UTF-8 bytes appended to a
 * {@link ByteBuf}, without allocating for the common (clean ASCII) case.
 *
 * <p>Rules, and why:
 * <ul>
 * <li>Whitespace and control characters become {@code _}: Carbon's plaintext receiver splits a line
 *     at any (Unicode) whitespace, so they would break the line; in pickle they would end up in file
 *     names.</li>
 * <li>{@code /} and {@code \} become {@code _}: Carbon maps path components to directories.</li>
 * <li>{@code ;} and {@code =} in the name become {@code _}: Carbon reads {@code ;} as the start of
 *     Graphite 1.1 tags.</li>
 * <li>Empty components collapse ({@code a..b.} is {@code a.b}), as Carbon's file layout would anyway;
 *     a leading {@code ~} is dropped, as Carbon does when it normalizes a name.</li>
 * <li>Other non-ASCII characters are kept and written as UTF-8 (Carbon stores them); a lone UTF-16
 *     surrogate becomes {@code _} so the bytes are always valid UTF-8 (Carbon's line receiver would
 *     otherwise fail decoding the line).</li>
 * <li>Tags, Graphite 1.1 style ({@code name;k=v;k2=v2}): keys lose {@code ; ! ^ =}, values lose
 *     {@code ;} and a leading {@code ~} (all become {@code _}); a tag with an empty value is left out
 *     (Graphite forbids empty values); a tag named {@code name} is written as {@code _name} because
 *     Carbon reserves {@code name} for the metric name.</li>
 * <li>Tags as path ({@code tagsAsPath=true}): the tag values are appended as path components in key
 *     order, a {@code .} inside a value becoming {@code _}; empty values are left out.</li>
 * </ul>
 * A name that is empty after this, or a path longer than {@link #MAX_PATH_BYTES}, is refused:
 * Carbon would drop the connection on an over-long line or pickle message, which would make the
 * batch fail forever.
 */
final class GraphiteNames {

    /** Longest path written; Carbon's line receiver drops the connection on lines over 16384 bytes. */
    static final int MAX_PATH_BYTES = 8000;

    private static final boolean[] BAD_NAME = table("/\\;=");
    private static final boolean[] BAD_COMPONENT = table("/\\;=.");
    private static final boolean[] BAD_TAG_KEY = table("/\\;=!^");
    private static final boolean[] BAD_TAG_VALUE = table("/\\;");

    private final String prefix;
    private final boolean tagsAsPath;

    /**
     * @param prefix     prepended to every name (sanitized like a name); empty for none
     * @param tagsAsPath true: tag values become path components; false: Graphite 1.1 tags
     */
    GraphiteNames(String prefix, boolean tagsAsPath) {
        this.prefix = prefix == null ? "" : prefix;
        this.tagsAsPath = tagsAsPath;
    }

    /**
     * Appends the series path of a sample.
     *
     * @return false, leaving {@code out} as it was, when the name is empty after sanitizing or the
     *         path is longer than {@link #MAX_PATH_BYTES}
     */
    boolean append(ByteBuf out, String name, Tags tags) {
        int start = out.length();
        boolean wrote = appendDotted(out, prefix, false, true);
        boolean wroteName = appendDotted(out, name, wrote, !wrote);
        if (!wroteName) {
            out.truncate(start);
            return false;
        }
        if (tagsAsPath) {
            for (int i = 0; i < tags.size(); i++) {
                if (routeMark(tags.key(i))) {
                    continue;
                }
                int mark = out.length();
                out.put('.');
                if (!appendText(out, tags.value(i), BAD_COMPONENT, false)) {
                    out.truncate(mark);
                }
            }
        } else {
            for (int i = 0; i < tags.size(); i++) {
                String value = tags.value(i);
                if (value.isEmpty() || routeMark(tags.key(i))) {
                    continue;
                }
                out.put(';');
                String key = tags.key(i);
                if (key.equals("name")) {
                    out.put('_');
                }
                appendText(out, key, BAD_TAG_KEY, false);
                out.put('=');
                appendText(out, value, BAD_TAG_VALUE, true);
            }
        }
        if (out.length() - start > MAX_PATH_BYTES) {
            out.truncate(start);
            return false;
        }
        return true;
    }

    /**
     * A {@code relay_to_<cluster>} tag is lodestar.processor.relay's routing mark (a cluster's sink selects it with
     * tagpass): never written, so the path, and the ring placement hashed from it, stay as carbon-c-relay's.
     */
    static boolean routeMark(String key) {
        return key.startsWith("relay_to_");
    }

    /** The path as a String, or null when {@link #append} would refuse the name (tests, log lines). */
    String path(String name, Tags tags) {
        ByteBuf b = new ByteBuf(64);
        return append(b, name, tags) ? b.toString() : null;
    }

    /**
     * Appends dot-separated text, collapsing empty components.
     *
     * @param needDot   something was written before, so the first component needs a '.'
     * @param atStart   nothing at all was written before: a leading '~' is dropped
     * @return whether any component was written
     */
    private static boolean appendDotted(ByteBuf out, String s, boolean needDot, boolean atStart) {
        boolean wrote = false;
        boolean pendingDot = needDot;
        int n = s.length();
        out.ensure(3 * n + 1); // UTF-16 to UTF-8 is at most 3 bytes per char, plus one leading dot
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                pendingDot = wrote || needDot;
                continue;
            }
            if (atStart && !wrote && c == '~') {
                continue;
            }
            if (pendingDot) {
                out.putUnchecked('.');
                pendingDot = false;
            }
            if (c < 0x80) {
                out.putUnchecked(c <= 0x20 || c == 0x7f || BAD_NAME[c] ? '_' : c);
            } else {
                i = appendNonAscii(out, s, i);
            }
            wrote = true;
        }
        return wrote;
    }

    /**
     * Appends text as one piece (a tag key or value, or a path component).
     *
     * @param tildeStart a leading '~' becomes '_' (Graphite tag values must not start with it)
     * @return whether anything was written
     */
    private static boolean appendText(ByteBuf out, String s, boolean[] bad, boolean tildeStart) {
        int n = s.length();
        out.ensure(3 * n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.putUnchecked(c <= 0x20 || c == 0x7f || bad[c] || (tildeStart && i == 0 && c == '~') ? '_' : c);
            } else {
                i = appendNonAscii(out, s, i);
            }
        }
        return n > 0;
    }

    /**
     * Appends the character at {@code i} (>= 0x80) as UTF-8 or '_', into room the caller reserved (3
     * bytes per char); returns the last index consumed.
     */
    private static int appendNonAscii(ByteBuf out, String s, int i) {
        char c = s.charAt(i);
        int cp = c;
        int last = i;
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            cp = Character.toCodePoint(c, s.charAt(i + 1));
            last = i + 1;
        } else if (Character.isSurrogate(c)) {
            out.putUnchecked('_');
            return i;
        }
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            out.putUnchecked('_');
        } else if (cp < 0x800) {
            out.putUnchecked(0xC0 | (cp >> 6));
            out.putUnchecked(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.putUnchecked(0xE0 | (cp >> 12));
            out.putUnchecked(0x80 | ((cp >> 6) & 0x3F));
            out.putUnchecked(0x80 | (cp & 0x3F));
        } else { // two chars in, four bytes out: within the 3 bytes per char reserved
            out.putUnchecked(0xF0 | (cp >> 18));
            out.putUnchecked(0x80 | ((cp >> 12) & 0x3F));
            out.putUnchecked(0x80 | ((cp >> 6) & 0x3F));
            out.putUnchecked(0x80 | (cp & 0x3F));
        }
        return last;
    }

    private static boolean[] table(String bad) {
        boolean[] t = new boolean[128];
        for (int i = 0; i < bad.length(); i++) {
            t[bad.charAt(i)] = true;
        }
        return t;
    }
}
