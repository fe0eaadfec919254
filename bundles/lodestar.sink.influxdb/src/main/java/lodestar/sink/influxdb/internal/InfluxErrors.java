package lodestar.sink.influxdb.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import lodestar.support.json.Json;

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

    /** The string member {@code key} of a JSON object answer; null when the answer is not one or has none. */
    static String jsonString(String json, String key) {
        try {
            Object v = Json.parse(json);
            return v instanceof Map<?, ?> m && m.get(key) instanceof String str ? str : null;
        } catch (IllegalArgumentException notJson) {
            return null; // a proxy's HTML page, a plain-text error: message() shows the body as it is
        }
    }
}
