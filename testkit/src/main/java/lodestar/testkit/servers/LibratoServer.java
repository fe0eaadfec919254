package lodestar.testkit.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

import lodestar.support.json.Json;

/**
 * Librato's source-based metrics API, {@code POST /v1/metrics} (the API Zibrato and the classic
 * clients use; librato/api-docs): HTTP Basic authentication with the account's user (e-mail) and API
 * token, a JSON object with {@code gauges} and/or {@code counters}, each an array of measurements
 * {@code {"name", "value", "source"?, "measure_time"?}} (optional top-level {@code source} and
 * {@code measure_time} apply to all). Names and sources are at most 255 characters of
 * {@code A-Za-z0-9.:-_}; {@code all} is a reserved source; {@code measure_time} is whole epoch
 * seconds; a value whose base-10 exponent is above 126 aborts the request with 400, one below -130 is
 * stored as 0. At most 300 measurements per request.
 *
 * <p>Librato validates the whole request: any error refuses all of it with 400 and
 * {@code {"errors":{"params":{...}}}}. Success is 200 (or 202 after {@link #answerAccepted}) with no
 * body; missing or wrong credentials 401. Stored points carry their source as the tag {@code source}
 * and their kind ({@code gauge}, {@code counter}) as type.
 */
public final class LibratoServer extends ApiServer {

    /** Librato's limit of measurements per request. */
    public static final int MAX_MEASUREMENTS = 300;

    private final String user;
    private final String token;
    private final AtomicInteger authFailures = new AtomicInteger();
    private volatile int okStatus = 200;

    public LibratoServer(String user, String token) throws IOException {
        super();
        this.user = user;
        this.token = token;
    }

    /** Answer 202 Accepted instead of 200 on success. */
    public void answerAccepted(boolean accepted) {
        okStatus = accepted ? 202 : 200;
    }

    /** Requests answered 401 for wrong credentials. */
    public int authFailures() {
        return authFailures.get();
    }

    @Override
    protected boolean acceptsGzip() {
        return false;
    }

    @Override
    protected Answer handle(HttpExchange ex, String body) throws ApiViolation {
        require(ex, "POST", "/v1/metrics");
        String[] up = basicAuth(ex);
        if (up == null) {
            throw new ApiViolation(401, "no Authorization header: the API needs Basic user:token");
        }
        if (!up[0].equals(user) || !up[1].equals(token)) {
            authFailures.incrementAndGet();
            return Answer.json(401, "{\"errors\":{\"request\":[\"Authorization Required\"]}}");
        }
        requireJsonContentType(ex);
        Map<String, Object> req;
        try {
            req = Json.object(Json.parse(body));
        } catch (IllegalArgumentException e) {
            throw new ApiViolation(400, "request: " + e.getMessage());
        }
        for (String key : req.keySet()) {
            if (!List.of("gauges", "counters", "source", "measure_time").contains(key)) {
                throw new ApiViolation(400, key + ": unknown parameter");
            }
        }
        String topSource = req.containsKey("source") ? source("source", req.get("source")) : null;
        Long topTime = req.containsKey("measure_time") ? time("measure_time", req.get("measure_time")) : null;
        List<Point> points = new ArrayList<>();
        for (String kind : List.of("gauges", "counters")) {
            if (!req.containsKey(kind)) {
                continue;
            }
            if (!(req.get(kind) instanceof List<?> list)) {
                throw new ApiViolation(400, kind + ": must be an array of measurements");
            }
            for (int i = 0; i < list.size(); i++) {
                points.add(measurement(kind + "[" + i + "]", kind.substring(0, kind.length() - 1), list.get(i), topSource, topTime));
            }
        }
        if (points.isEmpty()) {
            throw new ApiViolation(400, "measurements: must include at least one gauge or counter");
        }
        if (points.size() > MAX_MEASUREMENTS) {
            throw new ApiViolation(400, "measurements: at most " + MAX_MEASUREMENTS + " per request, got " + points.size());
        }
        points.forEach(this::store);
        return Answer.empty(okStatus);
    }

    private static Point measurement(String ctx, String type, Object o, String topSource, Long topTime) throws ApiViolation {
        if (!(o instanceof Map<?, ?>)) {
            throw new ApiViolation(400, ctx + ": must be an object");
        }
        Map<String, Object> m = Json.object(o);
        for (String key : m.keySet()) {
            if (!List.of("name", "value", "source", "measure_time", "period", "description", "display_name", "attributes")
                    .contains(key)) {
                throw new ApiViolation(400, ctx + "." + key + ": unknown parameter");
            }
        }
        if (!(m.get("name") instanceof String name) || name.isEmpty()) {
            throw new ApiViolation(400, ctx + ".name: is not present");
        }
        checkName(ctx + ".name", name);
        if (!(m.get("value") instanceof Number n)) {
            throw new ApiViolation(400, ctx + ".value: is not a number");
        }
        double value = n.doubleValue();
        if (value != 0 && Math.floor(Math.log10(Math.abs(value))) > 126) {
            throw new ApiViolation(400, ctx + ".value: exponent larger than 126");
        }
        if (value != 0 && Math.floor(Math.log10(Math.abs(value))) < -130) {
            value = 0.0; // as documented: truncated to zero
        }
        String source = m.containsKey("source") ? source(ctx + ".source", m.get("source")) : topSource;
        Long time = m.containsKey("measure_time") ? time(ctx + ".measure_time", m.get("measure_time")) : topTime;
        long millis = time != null ? time * 1000 : System.currentTimeMillis() / 1000 * 1000;
        return new Point(name, source == null ? Map.of() : Map.of("source", source), value, millis, type);
    }

    private static String source(String ctx, Object o) throws ApiViolation {
        if (!(o instanceof String s) || s.isEmpty()) {
            throw new ApiViolation(400, ctx + ": must be a non-empty string");
        }
        checkName(ctx, s);
        if (s.equalsIgnoreCase("all")) {
            throw new ApiViolation(400, ctx + ": 'all' is reserved");
        }
        return s;
    }

    private static long time(String ctx, Object o) throws ApiViolation {
        if (!(o instanceof Long t) || t <= 0) {
            throw new ApiViolation(400, ctx + ": must be whole epoch seconds");
        }
        if (t > 9_999_999_999L) {
            throw new ApiViolation(400, ctx + ": " + t + " looks like milliseconds; measure_time is in seconds");
        }
        return t;
    }

    private static void checkName(String ctx, String s) throws ApiViolation {
        if (s.length() > 255) {
            throw new ApiViolation(400, ctx + ": is longer than 255 characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ':'
                    || c == '-' || c == '_')) {
                throw new ApiViolation(400, ctx + ": '" + s + "' may only contain A-Za-z0-9.:-_");
            }
        }
    }

    @Override
    protected Answer violationAnswer(ApiViolation v) {
        String msg = v.getMessage();
        int colon = msg.indexOf(": ");
        StringBuilder b = new StringBuilder("{\"errors\":{\"params\":{");
        Json.string(b, colon < 0 ? "request" : msg.substring(0, colon)).append(":[");
        Json.string(b, colon < 0 ? msg : msg.substring(colon + 2)).append("]}}}");
        return Answer.json(v.status, b.toString());
    }
}
