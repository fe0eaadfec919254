package lodestar.web.graphite.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One series as graphite-web's {@code TimeSeries} has it: values at {@code start}, {@code start + step}, ...
 * (epoch seconds; NaN for None), up to {@code end}, plus a consolidation factor ({@code valuesPerPoint})
 * that averages groups of values when it is read. Functions build new series or rename these in place,
 * as graphite-web's do.
 */
final class Series {

    String name;
    String pathExpression;
    final Map<String, Object> tags;
    final long start;
    final long end;
    final long step;
    final double[] values;
    private int valuesPerPoint = 1;

    Series(String name, String pathExpression, Map<String, Object> tags, long start, long end, long step, double[] values) {
        this.name = name;
        this.pathExpression = pathExpression == null ? name : pathExpression;
        this.tags = tags == null ? tagsOf(name) : tags;
        this.start = start;
        this.end = end;
        this.step = step;
        this.values = values;
    }

    /** graphite-web's tags of a series name: {@code name} and, for {@code name;k=v}, each tag. */
    static Map<String, Object> tagsOf(String name) {
        Map<String, Object> tags = new LinkedHashMap<>();
        String[] parts = name.split(";");
        tags.put("name", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                tags.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return tags;
    }

    void consolidate(int valuesPerPoint) {
        this.valuesPerPoint = Math.max(1, valuesPerPoint);
    }

    int valuesPerPoint() {
        return valuesPerPoint;
    }

    /** The values as read: groups of {@code valuesPerPoint} averaged over their non-null values. */
    double[] read() {
        if (valuesPerPoint == 1) {
            return values;
        }
        int k = valuesPerPoint;
        double[] out = new double[(values.length + k - 1) / k];
        for (int g = 0; g < out.length; g++) {
            double sum = 0;
            int n = 0;
            for (int i = g * k; i < Math.min(values.length, g * k + k); i++) {
                if (!Double.isNaN(values[i])) {
                    sum += values[i];
                    n++;
                }
            }
            out[g] = n == 0 ? Double.NaN : sum / n;
        }
        return out;
    }

    /** A series with new values and times, the tags shared (graphite-web's {@code copy}). */
    Series copy(String newName, long newStart, long newEnd, long newStep, double[] newValues) {
        return new Series(newName, null, tags, newStart, newEnd, newStep, newValues);
    }
}
