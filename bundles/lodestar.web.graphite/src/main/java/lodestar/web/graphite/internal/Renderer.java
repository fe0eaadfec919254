package lodestar.web.graphite.internal;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import lodestar.support.json.Json;

/**
 * {@code /render?format=json}: evaluates the targets over one time range and writes graphite-web 1.1's JSON,
 * {@code [{"target", "tags", "datapoints": [[value|null, epochSeconds], ...]}]}, consolidating to
 * {@code maxDataPoints} the way graphite-web's {@code renderViewJson} does (average of each group, the start
 * nudged so the groups stay aligned from one refresh to the next).
 */
final class Renderer {

    /** What one request asks for, already read from its parameters. */
    record Request(List<String> targets, String from, String until, Integer maxDataPoints, boolean noNullPoints) {
    }

    private final SeriesSource source;
    private final Limits limits;
    private final ZoneId zone;

    Renderer(SeriesSource source, Limits limits, ZoneId zone) {
        this.source = source;
        this.limits = limits;
        this.zone = zone;
    }

    /** @throws BadRequest for bad targets, times, or a request over the limits */
    StringBuilder render(Request r, long nowMillis) {
        if (r.targets().size() > limits.maxTargets()) {
            throw new BadRequest("more than maxTargets=" + limits.maxTargets() + " targets");
        }
        long from = TimeParser.parse("from", r.from() == null ? "-24h" : r.from(), nowMillis, zone);
        long until = TimeParser.parse("until", r.until() == null ? "now" : r.until(), nowMillis, zone);
        if (from >= until) {
            throw new BadRequest("from: must be before until (" + from + " >= " + until + ")");
        }
        List<Expr> parsed = new ArrayList<>();
        for (String t : r.targets()) {
            if (t.length() > limits.maxTargetLength()) {
                throw new BadRequest("target longer than maxTargetLength=" + limits.maxTargetLength());
            }
            if (!t.isBlank()) {
                parsed.add(TargetParser.parse(t.strip()));
            }
        }
        Budget budget = new Budget(limits.maxSeries(), limits.maxPoints());
        Functions f = new Functions(source, from, until, budget);
        List<Series> data = new ArrayList<>();
        for (Expr e : parsed) {
            data.addAll(f.evaluate(e));
        }
        return json(data, r.maxDataPoints(), r.noNullPoints());
    }

    static StringBuilder json(List<Series> data, Integer maxDataPoints, boolean noNullPoints) {
        StringBuilder b = new StringBuilder(1024);
        b.append('[');
        if (!data.isEmpty()) {
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            for (Series s : data) {
                start = Math.min(start, s.start);
                end = Math.max(end, s.end);
            }
            long timeRange = end - start;
            boolean first = true;
            for (Series s : data) {
                long seriesStart = s.start;
                double[] values = s.read();
                int skip = 0;
                long stepOut = s.step * s.valuesPerPoint();
                if (maxDataPoints != null) {
                    if (maxDataPoints == 1) {
                        int k = Math.max(1, s.values.length);
                        s.consolidate(k);
                        values = s.read();
                        stepOut = s.step * k;
                    } else {
                        double numberOfDataPoints = (double) timeRange / s.step;
                        if (maxDataPoints < numberOfDataPoints) {
                            int valuesPerPoint = (int) Math.ceil(numberOfDataPoints / maxDataPoints);
                            long secondsPerPoint = valuesPerPoint * s.step;
                            long nudge = secondsPerPoint + Math.floorMod(s.start, s.step) - Math.floorMod(s.start, secondsPerPoint);
                            seriesStart = s.start + nudge;
                            // graphite-web deletes one value fewer than the nudge spans (range(1, valuesToLose))
                            skip = (int) Math.max(0, nudge / s.step - 1);
                            double[] kept = java.util.Arrays.copyOfRange(s.values, Math.min(skip, s.values.length), s.values.length);
                            Series shifted = new Series(s.name, s.pathExpression, s.tags, seriesStart, s.end, s.step, kept);
                            shifted.consolidate(valuesPerPoint);
                            values = shifted.read();
                            stepOut = secondsPerPoint;
                        }
                    }
                }
                if (!first) {
                    b.append(", ");
                }
                int mark = b.length();
                b.append("{\"target\": ");
                Json.string(b, s.name);
                b.append(", \"tags\": {");
                boolean firstTag = true;
                for (Map.Entry<String, Object> t : s.tags.entrySet()) {
                    if (!firstTag) {
                        b.append(", ");
                    }
                    firstTag = false;
                    Json.string(b, t.getKey());
                    b.append(": ");
                    value(b, t.getValue());
                }
                b.append("}, \"datapoints\": [");
                int written = 0;
                long t = seriesStart;
                for (int i = 0; i < values.length && t <= s.end; i++, t += stepOut) {
                    double v = values[i];
                    if (noNullPoints && Double.isNaN(v)) {
                        continue;
                    }
                    if (written++ > 0) {
                        b.append(", ");
                    }
                    b.append('[');
                    number(b, v);
                    b.append(", ").append(t).append(']');
                }
                b.append("]}");
                if (noNullPoints && written == 0) {
                    b.setLength(mark);
                    continue;
                }
                first = false;
            }
        }
        return b.append(']');
    }

    private static void value(StringBuilder b, Object v) {
        if (v instanceof Long l) {
            b.append(l);
        } else if (v instanceof Double d) {
            number(b, d);
        } else {
            Json.string(b, String.valueOf(v));
        }
    }

    /** A value as graphite-web writes it: NaN as null, infinities as {@code 1e9999} (which JSON readers take as infinite). */
    static void number(StringBuilder b, double v) {
        if (Double.isNaN(v)) {
            b.append("null");
        } else if (Double.isInfinite(v)) {
            b.append(v > 0 ? "1e9999" : "-1e9999");
        } else {
            Json.number(b, v);
        }
    }
}
