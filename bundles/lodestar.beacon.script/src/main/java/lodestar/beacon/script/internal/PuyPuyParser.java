package lodestar.beacon.script.internal;

import java.util.List;
import java.util.Locale;

import lodestar.api.Tags;

/**
 * PuyPuy's custom check line: {@code name value check_type check_style}, blank-separated.
 * {@code check_type} is kept as the tag {@code check_type}; {@code check_style} is {@code stack} (the value
 * as is, a gauge) or {@code rate} (the per-second rate between successive values, see {@link Rates}).
 */
final class PuyPuyParser implements LineParser {

    static final String CHECK_TYPE_TAG = "check_type";

    @Override
    public List<Metric> parse(String line) throws BadLineException {
        String[] f = line.trim().split("\\s+");
        if (f.length != 4) {
            throw new BadLineException("expected 'name value check_type check_style', got " + f.length + " fields");
        }
        String name = Numbers.path(f[0]);
        double value = Numbers.value("value", f[1]);
        boolean rate = switch (f[3].toLowerCase(Locale.ROOT)) {
            case "stack" -> false;
            case "rate" -> true;
            default -> throw new BadLineException("check_style '" + f[3] + "' is neither stack nor rate");
        };
        return List.of(new Metric(name, Tags.of(CHECK_TYPE_TAG, f[2]), value, Metric.NOW, rate));
    }
}
