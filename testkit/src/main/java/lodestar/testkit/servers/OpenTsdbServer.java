package lodestar.testkit.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;

import lodestar.support.json.Json;

/**
 * OpenTSDB's {@code POST /api/put} (2.x HTTP API, JSON serializer), as documented at
 * opentsdb.net/docs/build/html/api_http/put.html: one data point object or an array of them, each
 * with {@code metric}, {@code timestamp} (Unix seconds, or milliseconds: at most 13 digits),
 * {@code value} (a number, or a numeric string) and {@code tags} (an object with at least one and at
 * most 8 pairs); metric and tag names and values non-empty, of {@code a-z A-Z 0-9 - _ . /} and Unicode
 * letters ({@code net.opentsdb.core.Tags.validateString}). Each point is handled on its own: the good
 * ones are stored even when others fail.
 *
 * <p>Answers: 204 and no body when all were stored and neither {@code ?summary} nor {@code ?details}
 * was asked; with either, 200 and {@code {"success":n,"failed":0}} ({@code details} adds
 * {@code "errors":[]}); when any point failed, 400 with the same body ({@code details}: each failed
 * point and its error), or without the flags OpenTSDB's error object. A body that is not JSON is
 * refused whole with 400.
 *
 * <p>Points the test marks with {@link #failPoints} fail as a storage error would (not a rejection);
 * points that break the API fail and are also recorded as {@link #rejections()}.
 */
public final class OpenTsdbServer extends ApiServer {

    private static final int MAX_TAGS = 8;
    private volatile Predicate<String> failing = m -> false;
    private volatile String user;
    private volatile String password;
    private volatile String failError = "";

    public OpenTsdbServer() throws IOException {
        super();
    }

    /** Points whose metric matches fail with {@code error} (as a storage or UID error would), the rest are stored. */
    public void failPoints(Predicate<String> metric, String error) {
        failError = error;
        failing = metric;
    }

    /**
     * From now on requests need these Basic credentials, answered 401 otherwise (OpenTSDB behind an
     * authenticating proxy or with its auth plugin, as PuyPuy's {@code [TSDB]} user and password reached it).
     */
    public void requireAuth(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Undoes {@link #failPoints}. */
    public void stopFailingPoints() {
        failing = m -> false;
    }

    @Override
    protected Answer handle(HttpExchange ex, String body) throws ApiViolation {
        require(ex, "POST", "/api/put");
        if (user != null) {
            String[] up = basicAuth(ex);
            if (up == null || !up[0].equals(user) || !up[1].equals(password)) {
                return Answer.json(401, "{\"error\":{\"code\":401,\"message\":\"Unauthorized\"}}");
            }
        }
        requireJsonContentType(ex);
        List<String> flags = queryFlags(ex);
        boolean details = flags.contains("details");
        boolean summary = details || flags.contains("summary");
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ApiViolation(400, "Unable to parse the given JSON: " + e.getMessage());
        }
        List<Object> dps = parsed instanceof List<?> ? Json.array(parsed) : List.of(parsed);
        int success = 0;
        List<String> errors = new ArrayList<>();
        StringBuilder errorJson = new StringBuilder("[");
        for (Object dp : dps) {
            String error;
            try {
                Point p = point(dp);
                if (failing.test(p.name())) {
                    error = failError;
                } else {
                    store(p);
                    success++;
                    continue;
                }
            } catch (ApiViolation v) {
                error = v.getMessage();
                reject(ex, error, body); // the sink's bug, though OpenTSDB answers it per point
            }
            errors.add(error);
            if (errorJson.length() > 1) {
                errorJson.append(',');
            }
            errorJson.append("{\"datapoint\":").append(echo(dp)).append(",\"error\":");
            Json.string(errorJson, error).append('}');
        }
        errorJson.append(']');
        int failed = errors.size();
        if (!summary) {
            return failed == 0 ? Answer.empty(204) : Answer.json(400, "{\"error\":{\"code\":400,\"message\":"
                    + "\"One or more data points had errors\",\"details\":\"Please see the TSD logs or append"
                    + " \\\"details\\\" to the put request\"}}");
        }
        String answer = "{\"success\":" + success + ",\"failed\":" + failed + (details ? ",\"errors\":" + errorJson : "") + "}";
        return Answer.json(failed == 0 ? 200 : 400, answer);
    }

    private static String echo(Object dp) {
        // OpenTSDB echoes the point it could not store; an approximation of its serializer is enough
        StringBuilder b = new StringBuilder();
        write(b, dp);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                Json.string(b, String.valueOf(e.getKey())).append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else if (v instanceof String s) {
            Json.string(b, s);
        } else if (v instanceof Double d) {
            Json.number(b, d);
        } else {
            b.append(v);
        }
    }

    private static Point point(Object o) throws ApiViolation {
        if (!(o instanceof Map<?, ?>)) {
            throw new ApiViolation(400, "a data point must be an object");
        }
        Map<String, Object> dp = Json.object(o);
        Object metric = dp.get("metric");
        if (!(metric instanceof String m)) {
            throw new ApiViolation(400, "Metric name was empty");
        }
        validate("metric name", m);
        long ts;
        if (dp.get("timestamp") instanceof Long l) {
            ts = l;
        } else {
            throw new ApiViolation(400, "Invalid timestamp: " + dp.get("timestamp") + " (a whole number of seconds or milliseconds)");
        }
        if (ts <= 0 || ts > 9_999_999_999_999L) {
            throw new ApiViolation(400, "Invalid timestamp: " + ts);
        }
        long millis = ts > 9_999_999_999L ? ts : ts * 1000;
        double value;
        Object v = dp.get("value");
        if (v instanceof Number n) {
            value = n.doubleValue();
        } else if (v instanceof String s) {
            try {
                value = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new ApiViolation(400, "Unable to parse value to a number");
            }
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new ApiViolation(400, "value is NaN or Infinite: " + s);
            }
        } else {
            throw new ApiViolation(400, "Empty value");
        }
        if (!(dp.get("tags") instanceof Map<?, ?> tagObj) || tagObj.isEmpty()) {
            throw new ApiViolation(400, "Missing tags");
        }
        if (tagObj.size() > MAX_TAGS) {
            throw new ApiViolation(400, "Too many tags: " + tagObj.size() + " maximum allowed: " + MAX_TAGS);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : tagObj.entrySet()) {
            String k = (String) e.getKey();
            if (!(e.getValue() instanceof String tv)) {
                throw new ApiViolation(400, "Invalid tag value for '" + k + "': not a string");
            }
            validate("tag name", k);
            validate("tag value", tv);
            tags.put(k, tv);
        }
        for (String key : dp.keySet()) {
            if (!List.of("metric", "timestamp", "value", "tags").contains(key)) {
                throw new ApiViolation(400, "Unrecognized field \"" + key + "\"");
            }
        }
        return new Point(m, Map.copyOf(tags), value, millis, "opentsdb");
    }

    /** {@code net.opentsdb.core.Tags.validateString} without special characters configured. */
    static void validate(String what, String s) throws ApiViolation {
        if (s.isEmpty()) {
            throw new ApiViolation(400, "Invalid " + what + ": empty string");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '/' || Character.isLetter(c))) {
                throw new ApiViolation(400, "Invalid " + what + " (\"" + s + "\"): illegal character: " + c);
            }
        }
    }

    @Override
    protected Answer violationAnswer(ApiViolation v) {
        StringBuilder b = new StringBuilder("{\"error\":{\"code\":").append(v.status).append(",\"message\":");
        Json.string(b, v.getMessage()).append("}}");
        return Answer.json(v.status, b.toString());
    }
}
