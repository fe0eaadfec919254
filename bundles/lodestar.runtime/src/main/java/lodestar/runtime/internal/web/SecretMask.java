package lodestar.runtime.internal.web;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import lodestar.support.secrets.Secrets;

/**
 * Replaces the values of secrets in what the web console's configuration status printers write (the Services,
 * Components, Configurations, ... pages, as text, JSON and HTML, and the support zip of them all) with
 * {@value #MASK}. A secret is a property {@linkplain Secrets#isSecret named as one} ({@code password},
 * {@code token}, {@code apiKey}, {@code proxyPassword}), also as the last part of a dotted name
 * ({@code lodestar.generated.password}, {@code felix.webconsole.password}).
 *
 * <p>The printers write one property per line, as {@code key: value}, {@code key = value} or {@code key=value},
 * indented (with {@code &nbsp;} in HTML), one line per JSON string in their JSON form, or as a JSON member
 * {@code "key": "value"}. Each format's value ends where its line or string ends. Masking works on the
 * response's bytes read as ISO-8859-1, which keeps every byte it does not replace exactly as it was, whatever the
 * response's charset.
 */
final class SecretMask {

    static final String MASK = "********";

    /** How a response's text is laid out, which decides where a value ends. */
    enum Format {
        /** plain text: a value ends at the end of its line */
        TEXT("[^\\r\\n]*+"),
        /** HTML: at the end of its line or at the next tag */
        HTML("[^\\r\\n<]*+"),
        /** JSON: at the end of its JSON string (an unescaped quote) or its line ({@code \n}) */
        JSON("(?:[^\"\\\\\\r\\n]++|\\\\[^n])*+");

        final Pattern value;

        Format(String value) {
            this.value = Pattern.compile(value);
        }
    }

    // Keys are found first and a value is read only after a secret's key: reading every value first would read a
    // printer's one-line list of a thousand assignments a thousand times. Repetitions are possessive, so that a
    // value of a million characters takes no stack frame per character.
    /**
     * A key and what follows it up to its value: blanks or &nbsp;, then ':' or '='; a JVM argument -Dkey=value too.
     * A key starts a line, or follows anything that is not part of a name, or a JSON string's escaped line break.
     */
    private static final Pattern ASSIGNMENT = Pattern.compile("(?:(?<![A-Za-z0-9_.\\-\\\\])|(?<=\\\\[nrt]))"
            + "(?:-D)?([A-Za-z][A-Za-z0-9_.\\-]*+)(?:[ \\t]++|&nbsp;)*+[:=](?:[ \\t]++|&nbsp;)*+");
    /** A JSON member's name and what follows it up to its string value's first character. */
    private static final Pattern JSON_MEMBER = Pattern.compile("\"([A-Za-z][A-Za-z0-9_.\\-]*+)\"\\s*+:\\s*+\"");
    private static final Pattern JSON_STRING = Pattern.compile("(?:[^\"\\\\]++|\\\\.)*+");

    private SecretMask() {
    }

    /** The format of a response with this content type, or null when it is not text to mask. */
    static Format formatOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        if (t.startsWith("text/html")) {
            return Format.HTML;
        }
        if (t.contains("json") || t.startsWith("application/javascript")) {
            return Format.JSON;
        }
        return t.startsWith("text/") ? Format.TEXT : null;
    }

    /** The format of a file in the support zip, by its name. */
    static Format formatOfEntry(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) {
            return Format.JSON;
        }
        return n.endsWith(".html") || n.endsWith(".htm") ? Format.HTML : Format.TEXT;
    }

    /** Whether a printed property name is a secret's: by {@link Secrets#isSecret}, whole or its last dotted part. */
    static boolean isSecretKey(String key) {
        if (Secrets.isSecret(key)) {
            return true;
        }
        int dot = key.lastIndexOf('.');
        return dot >= 0 && dot < key.length() - 1 && Secrets.isSecret(key.substring(dot + 1));
    }

    /** What was masked: the new text and how many values it replaced. */
    record Result(String text, int masked) {
    }

    static Result mask(String text, Format format) {
        int[] count = {0};
        String out = replace(text, ASSIGNMENT, format.value, count);
        if (format == Format.JSON) {
            out = replace(out, JSON_MEMBER, JSON_STRING, count);
        }
        return new Result(out, count[0]);
    }

    /** Replaces the value ({@code value} right after a match of {@code key}) of every secret's key. */
    private static String replace(String text, Pattern key, Pattern value, int[] count) {
        Matcher k = key.matcher(text);
        Matcher v = value.matcher(text);
        StringBuilder b = null;
        int last = 0;
        for (int from = 0; from < text.length() && k.find(from);) {
            from = k.end();
            if (!isSecretKey(k.group(1)) || !v.region(k.end(), text.length()).lookingAt()) {
                continue;
            }
            from = Math.max(from, v.end());
            String found = text.substring(v.start(), v.end());
            if (found.isBlank() || found.equals(MASK)) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(text.length());
            }
            b.append(text, last, v.start()).append(MASK);
            last = v.end();
            count[0]++;
        }
        return b == null ? text : b.append(text, last, text.length()).toString();
    }

    /** {@link #mask(String, Format)} of bytes read as ISO-8859-1 (each byte one char, so nothing else changes). */
    static byte[] mask(byte[] bytes, Format format, int[] masked) {
        Result r = mask(new String(bytes, StandardCharsets.ISO_8859_1), format);
        masked[0] += r.masked();
        return r.masked() == 0 ? bytes : r.text().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A copy of a zip with every entry masked by its format ({@link #formatOfEntry}).
     *
     * @param maxBytes the most the uncompressed entries may add up to: the zip is made in memory
     * @throws IOException when it holds more than {@code maxBytes} (what is not a zip comes back as an empty one)
     */
    static byte[] maskZip(byte[] zip, long maxBytes, int[] masked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(zip.length + 1024);
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
                ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                byte[] content = readAtMost(in, maxBytes - total);
                total += content.length;
                ZipEntry copy = new ZipEntry(e.getName());
                if (e.getLastModifiedTime() != null) {
                    copy.setLastModifiedTime(e.getLastModifiedTime());
                }
                z.putNextEntry(copy);
                z.write(e.isDirectory() ? content : mask(content, formatOfEntry(e.getName()), masked));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] readAtMost(ZipInputStream in, long limit) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0;) {
            if (b.size() + (long) n > limit) {
                throw new IOException("the zip holds more than the masking limit");
            }
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }
}
