package lodestar.testkit.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;

import lodestar.support.json.Json;

/**
 * KairosDB's {@code POST /api/v1/datapoints}, as documented at kairosdb.github.io (REST API, Add Data
 * Points) and implemented by {@code DataPointsParser}: one metric object or an array of them, each
 * with a non-empty {@code name}, {@code tags} (at least one pair; names and values non-empty and
 * without {@code :} or {@code =}), and {@code datapoints} ({@code [[timestamp_ms, value], ...]}) and/or
 * {@code timestamp} + {@code value}; optional {@code type} and {@code ttl}. Timestamps are
 * milliseconds (the REST API takes nothing else; a value below 10^11 is refused here as probably
 * seconds). A value is a {@code long} when written without '.', else a {@code double}. A gzip body
 * ({@code Content-Encoding: gzip}) is accepted.
 *
 * <p>Answers 204 when everything was stored; 400 with {@code {"errors":["..."]}} when a metric failed
 * validation (the valid metrics of the request are still stored, as KairosDB does); 401 when
 * {@link #requireAuth basic auth} is configured and the credentials are missing or wrong.
 */
public final class KairosDbServer extends ApiServer {

    private volatile String user;
    private volatile String password;
    private final AtomicInteger authFailures = new AtomicInteger();
    private volatile Predicate<String> failing = n -> false;
    private volatile String failError = "";

    public KairosDbServer() throws IOException {
        super();
    }

    /** From now on requests need these Basic credentials (KairosDB behind its basic-auth filter). */
    public void requireAuth(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Requests answered 401 for missing or wrong credentials. */
    public int authFailures() {
        return authFailures.get();
    }

    /** Metrics whose name matches are refused with {@code error} (in the 400 answer), the rest stored. */
    public void failMetrics(Predicate<String> name, String error) {
        failError = error;
        failing = name;
    }

    @Override
    protected Answer handle(HttpExchange ex, String body) throws ApiViolation {
        require(ex, "POST", "/api/v1/datapoints");
        if (user != null) {
            String[] up = basicAuth(ex);
            if (up == null || !up[0].equals(user) || !up[1].equals(password)) {
                authFailures.incrementAndGet();
                return Answer.json(401, "{\"errors\":[\"Unauthorized\"]}");
            }
        }
        requireJsonContentType(ex);
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ApiViolation(400, "Invalid json. " + e.getMessage());
        }
        if (!(parsed instanceof List<?>) && !(parsed instanceof Map<?, ?>)) {
            throw new ApiViolation(400, "Invalid start of json.");
        }
        List<Object> metrics = parsed instanceof List<?> ? Json.array(parsed) : List.of(parsed);
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            try {
                List<Point> ps = metric(i, metrics.get(i));
                if (!ps.isEmpty() && failing.test(ps.get(0).name())) {
                    errors.add(failError);
                    continue;
                }
                ps.forEach(this::store);
            } catch (ApiViolation v) {
                errors.add(v.getMessage());
                reject(ex, v.getMessage(), body);
            }
        }
        if (errors.isEmpty()) {
            return Answer.empty(204);
        }
        return Answer.json(400, errorsJson(errors));
    }

    private static String errorsJson(List<String> errors) {
        StringBuilder b = new StringBuilder("{\"errors\":[");
        for (int i = 0; i < errors.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Json.string(b, errors.get(i));
        }
        return b.append("]}").toString();
    }

    private static List<Point> metric(int i, Object o) throws ApiViolation {
        String ctx = "metric[" + i + "]";
        if (!(o instanceof Map<?, ?>)) {
            throw new ApiViolation(400, ctx + " must be an object");
        }
        Map<String, Object> m = Json.object(o);
        for (String key : m.keySet()) {
            if (!List.of("name", "tags", "datapoints", "timestamp", "time", "value", "type", "ttl", "skip_validate").contains(key)) {
                throw new ApiViolation(400, ctx + " has an unknown member '" + key + "'");
            }
        }
        if (!(m.get("name") instanceof String name) || name.isEmpty()) {
            throw new ApiViolation(400, ctx + ".name may not be null or empty.");
        }
        ctx += "(name=" + name + ")";
        if (!(m.get("tags") instanceof Map<?, ?> tagObj) || tagObj.isEmpty()) {
            throw new ApiViolation(400, ctx + ".tags count must be greater than or equal to 1.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        int t = 0;
        for (Map.Entry<?, ?> e : tagObj.entrySet()) {
            String k = (String) e.getKey();
            String tctx = ctx + ".tag[" + (k.isEmpty() ? String.valueOf(t) : k) + "]";
            if (k.isEmpty()) {
                throw new ApiViolation(400, tctx + ".name may not be empty.");
            }
            checkChars(tctx + ".name", k);
            if (!(e.getValue() instanceof String v) || v.isEmpty()) {
                throw new ApiViolation(400, tctx + ".value may not be null or empty.");
            }
            checkChars(tctx + ".value", v);
            tags.put(k, v);
            t++;
        }
        if (m.containsKey("ttl") && !(m.get("ttl") instanceof Long ttl && ttl >= 0)) {
            throw new ApiViolation(400, ctx + ".ttl must be a whole number of seconds");
        }
        if (m.containsKey("type") && !"long".equals(m.get("type")) && !"double".equals(m.get("type"))) {
            throw new ApiViolation(400, "Unregistered data point type '" + m.get("type") + "'");
        }
        List<Point> points = new ArrayList<>();
        Object ts = m.containsKey("time") ? m.get("time") : m.get("timestamp");
        if (ts != null || m.get("value") != null) {
            points.add(point(ctx, name, tags, ts, m.get("value")));
        }
        if (m.containsKey("datapoints")) {
            if (!(m.get("datapoints") instanceof List<?> dps)) {
                throw new ApiViolation(400, ctx + ".datapoints must be an array");
            }
            for (int d = 0; d < dps.size(); d++) {
                String dctx = ctx + ".datapoints[" + d + "]";
                if (!(dps.get(d) instanceof List<?> pair) || pair.size() != 2) {
                    throw new ApiViolation(400, dctx + " must be [timestamp, value]");
                }
                points.add(point(dctx, name, tags, pair.get(0), pair.get(1)));
            }
        }
        if (points.isEmpty()) {
            throw new ApiViolation(400, ctx + " has no data points");
        }
        return points;
    }

    private static Point point(String ctx, String name, Map<String, String> tags, Object ts, Object value) throws ApiViolation {
        if (!(ts instanceof Long millis)) {
            throw new ApiViolation(400, ctx + ".timestamp cannot be null or empty (a whole number of milliseconds).");
        }
        if (millis < 100_000_000_000L) {
            throw new ApiViolation(400, ctx + ".timestamp " + millis + " looks like seconds; the REST API takes milliseconds");
        }
        if (!(value instanceof Number n)) {
            throw new ApiViolation(400, ctx + ".value must be a number, got " + value);
        }
        return new Point(name, Map.copyOf(tags), n.doubleValue(), millis, value instanceof Long ? "long" : "double");
    }

    /** {@code org.kairosdb.util.Validator.isValidateCharacterSet}. */
    private static void checkChars(String ctx, String s) throws ApiViolation {
        if (s.indexOf(':') >= 0 || s.indexOf('=') >= 0) {
            throw new ApiViolation(400, ctx + " may contain any character except colon ':', and equals '='.");
        }
    }

    @Override
    protected Answer violationAnswer(ApiViolation v) {
        return Answer.json(v.status, errorsJson(List.of(v.getMessage())));
    }
}
