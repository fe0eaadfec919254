package lodestar.sink.influxdb.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads InfluxDB's error answers: 1.x sends {@code {"error":"..."}}, 2.x
 * {@code {"code":"invalid","message":"..."}}; the text says which lines it could not parse
 * ({@code unable to parse '<line>': <why>}, one per line) and how many points it dropped otherwise
 * ({@code partial write: <why> dropped=N}).
 */
final class InfluxErrors {

    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)");
    private static final Pattern UNABLE = Pattern.compile("unable to parse '");

    private InfluxErrors() {
    }

    /** The error text of an answer body: its "error" or "message" string, else the body itself. */
    static String message(String body) {
        if (body == null) {
            return "";
        }
        String e = jsonString(body, "error");
        if (e == null) {
            e = jsonString(body, "message");
        }
        return e == null ? body.trim() : e;
    }

    /**
     * How many points an error says were refused: the larger of {@code dropped=N} and the count of
     * unparsable lines; when it says neither, all {@code sent}.
     */
    static long rejectedPoints(String error, int sent) {
        long n = 0;
        Matcher d = DROPPED.matcher(error);
        while (d.find()) {
            try {
                n = Math.max(n, Long.parseLong(d.group(1)));
            } catch (NumberFormatException ignored) {
                // absurdly long number: fall through to the other counts
            }
        }
        long unparsable = UNABLE.matcher(error).results().count();
        n = Math.max(n, unparsable);
        if (n == 0) {
            n = sent;
        }
        return Math.min(n, sent);
    }

    /** The value of the first string member {@code key} in a JSON object, unescaped; null if absent. */
    static String jsonString(String json, String key) {
        String k = "\"" + key + "\"";
        int i = json.indexOf(k);
        while (i >= 0) {
            int j = i + k.length();
            while (j < json.length() && Character.isWhitespace(json.charAt(j))) {
                j++;
            }
            if (j < json.length() && json.charAt(j) == ':') {
                j++;
                while (j < json.length() && Character.isWhitespace(json.charAt(j))) {
                    j++;
                }
                if (j < json.length() && json.charAt(j) == '"') {
                    return unescape(json, j + 1);
                }
            }
            i = json.indexOf(k, i + 1);
        }
        return null;
    }

    private static String unescape(String s, int from) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 < s.length()) {
                            try {
                                b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                            } catch (NumberFormatException ex) {
                                b.append('?');
                            }
                            i += 4;
                        }
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
