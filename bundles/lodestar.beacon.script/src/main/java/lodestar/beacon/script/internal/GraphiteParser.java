package lodestar.beacon.script.internal;

import java.util.List;

import lodestar.api.Tags;

/**
 * Graphite's plaintext line: {@code path value [timestamp]}, the timestamp in seconds since the epoch
 * (fractions allowed); without one the value is stamped with the time the line was read. A tagged path
 * as Graphite 1.1 writes it ({@code disk.used;mount=/;host=a}) gives tags.
 */
final class GraphiteParser implements LineParser {

    @Override
    public List<Metric> parse(String line) throws BadLineException {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2 || f.length > 3) {
            throw new BadLineException("expected 'path value [timestamp]', got " + f.length + " fields");
        }
        String[] path = f[0].split(";", -1);
        String name = Numbers.path(path[0]);
        Tags tags = Tags.EMPTY;
        for (int i = 1; i < path.length; i++) {
            int eq = path[i].indexOf('=');
            if (eq <= 0 || eq == path[i].length() - 1) {
                throw new BadLineException("tag '" + path[i] + "' is not key=value");
            }
            tags = tags.with(path[i].substring(0, eq), path[i].substring(eq + 1));
        }
        double value = Numbers.value("value", f[1]);
        long ts = Metric.NOW;
        if (f.length == 3) {
            double seconds = Numbers.value("timestamp", f[2]);
            if (seconds <= 0 || seconds > Long.MAX_VALUE / 1000.0) {
                throw new BadLineException("timestamp '" + f[2] + "' is not seconds since the epoch");
            }
            ts = Math.round(seconds * 1000);
        }
        return List.of(new Metric(name, tags, value, ts, false));
    }
}
