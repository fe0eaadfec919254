package lodestar.web.graphite.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a parsed target the way graphite-web 1.1 does, for the functions Grafana users reach for first:
 * {@code sumSeries}/{@code sum}, {@code averageSeries}/{@code avg}, {@code scale}, {@code alias},
 * {@code aliasByNode}, {@code perSecond}, {@code summarize}. Names, tags, steps and bucket bounds follow
 * graphite-web's code (render/functions.py), so the differential test can compare them point for point.
 */
final class Functions {

    private final SeriesSource source;
    private final long from;
    private final long until;
    private final Budget budget;

    Functions(SeriesSource source, long from, long until, Budget budget) {
        this.source = source;
        this.from = from;
        this.until = until;
        this.budget = budget;
    }

    List<Series> evaluate(Expr e) {
        if (e instanceof Expr.Path p) {
            return source.fetch(PathGlob.compile(p.text()), from, until, budget);
        }
        if (!(e instanceof Expr.Call c)) {
            throw new BadRequest("a series list was expected, got " + describe(e));
        }
        return switch (c.name()) {
            case "sumSeries", "sum" -> aggregate(seriesArgs(c), "sum");
            case "averageSeries", "avg" -> aggregate(seriesArgs(c), "average");
            case "scale" -> scale(c);
            case "alias" -> alias(c);
            case "aliasByNode" -> aliasByNode(c);
            case "perSecond" -> perSecond(c);
            case "summarize" -> summarize(c);
            default -> throw new BadRequest("unknown function " + c.name() + "(): supported are sumSeries, sum, averageSeries,"
                    + " avg, scale, alias, aliasByNode, perSecond, summarize");
        };
    }

    private List<Series> seriesArgs(Expr.Call c) {
        if (c.args().isEmpty() || !c.kwargs().isEmpty()) {
            throw new BadRequest(c.name() + "(): takes one or more series lists");
        }
        List<Series> all = new ArrayList<>();
        for (Expr a : c.args()) {
            all.addAll(evaluate(a));
        }
        return all;
    }

    /** graphite-web's {@code aggregate}: normalize to the least common step, then combine row by row. */
    static List<Series> aggregate(List<Series> list, String func) {
        if (list.isEmpty()) {
            return List.of();
        }
        long step = list.get(0).step;
        for (Series s : list) {
            step = lcm(step, s.step);
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        List<double[]> rows = new ArrayList<>(list.size());
        int length = 0;
        for (Series s : list) {
            s.consolidate((int) (step / s.step));
            double[] v = s.read();
            rows.add(v);
            length = Math.max(length, v.length);
            start = Math.min(start, s.start);
            end = Math.max(end, s.end);
        }
        end -= (end - start) % step;
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            double sum = 0;
            int n = 0;
            for (double[] v : rows) {
                if (i < v.length && !Double.isNaN(v[i])) {
                    sum += v[i];
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : func.equals("sum") ? sum : sum / n;
        }
        Set<String> paths = new LinkedHashSet<>();
        for (Series s : list) {
            paths.add(s.pathExpression);
        }
        String name = func + "Series(" + String.join(",", paths) + ")";
        Map<String, Object> tags = new LinkedHashMap<>(list.get(0).tags);
        for (Series s : list) {
            tags.entrySet().removeIf(t -> !t.getValue().equals(s.tags.get(t.getKey())));
        }
        tags.putIfAbsent("name", name);
        tags.put("aggregatedBy", func);
        return List.of(new Series(name, null, tags, start, end, step, out));
    }

    private List<Series> scale(Expr.Call c) {
        arity(c, 2, 2);
        List<Series> list = evaluate(c.args().get(0));
        Expr.Num factor = num(c, c.args().get(1));
        for (Series s : list) {
            // graphite-web's Tags keep str() of the value, and the factor is a float by then: "10.0", "2.5"
            s.tags.put("scale", pythonFloat(factor.value()));
            s.name = "scale(" + s.name + "," + formatG(factor.value()) + ")";
            s.pathExpression = s.name;
            for (int i = 0; i < s.values.length; i++) {
                s.values[i] *= factor.value();
            }
        }
        return list;
    }

    private List<Series> alias(Expr.Call c) {
        arity(c, 2, 2);
        List<Series> list = evaluate(c.args().get(0));
        if (!(c.args().get(1) instanceof Expr.Str name)) {
            throw new BadRequest("alias(): the new name must be a quoted string, got " + describe(c.args().get(1)));
        }
        for (Series s : list) {
            s.name = name.value();
        }
        return list;
    }

    private List<Series> aliasByNode(Expr.Call c) {
        arity(c, 2, Integer.MAX_VALUE);
        List<Series> list = evaluate(c.args().get(0));
        List<Expr> nodes = c.args().subList(1, c.args().size());
        for (Expr n : nodes) {
            if (!(n instanceof Expr.Num) && !(n instanceof Expr.Str)) {
                throw new BadRequest("aliasByNode(): nodes are numbers or tag names, got " + describe(n));
            }
        }
        for (Series s : list) {
            String path = s.name.endsWith(")") ? firstPath(s.name) : null;
            List<String> parts = new ArrayList<>();
            for (Expr n : nodes) {
                parts.add(nodeOrTag(s, n, path));
            }
            s.name = String.join(".", parts);
        }
        return list;
    }

    /** graphite-web's {@code getNodeOrTag}: a node of the name (negative counts from the end), else a tag, else empty. */
    private static String nodeOrTag(Series s, Expr n, String path) {
        if (n instanceof Expr.Num num && num.value() == Math.rint(num.value())) {
            String[] nodes = (path != null ? path : s.name).split(";", 2)[0].split("\\.", -1);
            int i = (int) num.value();
            int j = i < 0 ? nodes.length + i : i;
            if (j >= 0 && j < nodes.length) {
                return nodes[j];
            }
        }
        String tag = n instanceof Expr.Str str ? str.value() : pythonStr((Expr.Num) n);
        Object v = s.tags.get(tag);
        return v == null ? "" : String.valueOf(v);
    }

    private static String pythonStr(Expr.Num n) {
        return n.integral() ? Long.toString((long) n.value()) : Double.toString(n.value());
    }

    /** The first path expression in a function-made name ({@code sumSeries(a.*,b)} gives {@code a.*}). */
    private static String firstPath(String name) {
        try {
            Expr e = TargetParser.parse(name);
            while (e instanceof Expr.Call c && !c.args().isEmpty()) {
                e = c.args().get(0);
            }
            return e instanceof Expr.Path p ? p.text() : null;
        } catch (BadRequest notAnExpression) {
            return null;
        }
    }

    private List<Series> perSecond(Expr.Call c) {
        arity(c, 1, 3);
        List<Series> list = evaluate(c.args().get(0));
        Double maxValue = optionalNum(c, 1, "maxValue");
        Double minValue = optionalNum(c, 2, "minValue");
        List<Series> out = new ArrayList<>(list.size());
        for (Series s : list) {
            double[] in = s.read();
            double[] v = new double[in.length];
            double prev = Double.NaN;
            for (int i = 0; i < in.length; i++) {
                double val = in[i];
                double delta;
                if ((maxValue != null && val > maxValue) || (minValue != null && val < minValue)) {
                    delta = Double.NaN;
                    val = Double.NaN;
                } else if (Double.isNaN(prev) || Double.isNaN(val)) {
                    delta = Double.NaN;
                } else if (val >= prev) {
                    delta = val - prev;
                } else if (maxValue != null) {
                    delta = maxValue + 1 + val - prev - (minValue == null ? 0 : minValue);
                } else if (minValue != null) {
                    delta = val - minValue;
                } else {
                    delta = Double.NaN;
                }
                prev = val;
                v[i] = Double.isNaN(delta) ? Double.NaN : round6(delta / s.step);
            }
            s.tags.put("perSecond", "1");
            out.add(s.copy("perSecond(" + s.name + ")", s.start, s.end, s.step, v));
        }
        return out;
    }

    private List<Series> summarize(Expr.Call c) {
        arity(c, 2, 4);
        List<Series> list = evaluate(c.args().get(0));
        String interval = str(c, arg(c, 1, "intervalString"));
        Expr f = arg(c, 2, "func");
        String func = f == null ? "sum" : str(c, f);
        Expr a = arg(c, 3, "alignToFrom");
        boolean alignToFrom = a != null && bool(c, a);
        long seconds;
        try {
            seconds = TimeParser.offsetSeconds(interval);
        } catch (RuntimeException e) {
            throw new BadRequest("summarize(): bad interval '" + interval + "': " + e.getMessage());
        }
        if (seconds <= 0) {
            throw new BadRequest("summarize(): the interval must be positive, got '" + interval + "'");
        }
        Aggregator agg = Aggregator.of(func);
        List<Series> out = new ArrayList<>(list.size());
        for (Series s : list) {
            long newStart = alignToFrom ? s.start : s.start - Math.floorMod(s.start, seconds);
            long newEnd = alignToFrom ? s.end : s.end - Math.floorMod(s.end, seconds) + seconds;
            double[] in = s.read();
            long readStep = s.step * s.valuesPerPoint();
            int numPoints = (int) Math.min(in.length, Math.max(0, (s.end - s.start + readStep - 1) / readStep));
            List<Double> values = new ArrayList<>();
            int i = 0;
            long t = newStart;
            while (t < newEnd) {
                int first = i;
                int nonNull = 0;
                while (i < numPoints && s.start + i * readStep < t + seconds) {
                    if (s.start + i * readStep >= t && !Double.isNaN(in[i])) {
                        nonNull++;
                    }
                    i++;
                }
                values.add(nonNull == 0 ? Double.NaN : agg.apply(in, first, i));
                t += seconds;
                if (values.size() > 10_000_000) {
                    throw new BadRequest("summarize(): too many buckets");
                }
            }
            if (alignToFrom) {
                newEnd = t;
            }
            s.tags.put("summarize", interval);
            s.tags.put("summarizeFunction", func);
            String name = "summarize(" + s.name + ", \"" + interval + "\", \"" + func + "\"" + (alignToFrom ? ", true" : "") + ")";
            double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
            out.add(s.copy(name, newStart, newEnd, seconds, v));
        }
        return out;
    }

    /** graphite-web's aggregation functions over the non-null values of {@code v[from, to)}. */
    enum Aggregator {
        SUM, AVERAGE, MIN, MAX, LAST, COUNT;

        static Aggregator of(String func) {
            return switch (func) {
                case "sum", "total" -> SUM;
                case "average", "avg" -> AVERAGE;
                case "min" -> MIN;
                case "max" -> MAX;
                case "last", "current" -> LAST;
                case "count" -> COUNT;
                default -> throw new BadRequest("unsupported aggregation function '" + func
                        + "': use sum, total, average, avg, min, max, last, current or count");
            };
        }

        double apply(double[] v, int from, int to) {
            double acc = this == MIN ? Double.POSITIVE_INFINITY : this == MAX ? Double.NEGATIVE_INFINITY : 0;
            int n = 0;
            double last = Double.NaN;
            for (int i = from; i < to; i++) {
                double x = v[i];
                if (Double.isNaN(x)) {
                    continue;
                }
                n++;
                last = x;
                switch (this) {
                    case MIN -> acc = Math.min(acc, x);
                    case MAX -> acc = Math.max(acc, x);
                    default -> acc += x;
                }
            }
            if (n == 0) {
                return Double.NaN;
            }
            return switch (this) {
                case AVERAGE -> acc / n;
                case LAST -> last;
                case COUNT -> n;
                default -> acc;
            };
        }
    }

    // ---- arguments

    private static void arity(Expr.Call c, int min, int max) {
        int n = c.args().size() + c.kwargs().size();
        if (n < min || n > max) {
            throw new BadRequest(c.name() + "(): takes " + (min == max ? min : min + ".." + (max == Integer.MAX_VALUE ? "n" : max))
                    + " arguments, got " + n);
        }
    }

    private static Expr arg(Expr.Call c, int index, String keyword) {
        if (index < c.args().size()) {
            if (c.kwargs().containsKey(keyword)) {
                throw new BadRequest(c.name() + "(): " + keyword + " given twice");
            }
            return c.args().get(index);
        }
        return c.kwargs().get(keyword);
    }

    private Double optionalNum(Expr.Call c, int index, String keyword) {
        Expr e = arg(c, index, keyword);
        return e == null ? null : num(c, e).value();
    }

    private static Expr.Num num(Expr.Call c, Expr e) {
        if (e instanceof Expr.Num n) {
            return n;
        }
        throw new BadRequest(c.name() + "(): a number was expected, got " + describe(e));
    }

    private static String str(Expr.Call c, Expr e) {
        if (e instanceof Expr.Str s) {
            return s.value();
        }
        throw new BadRequest(c.name() + "(): a quoted string was expected, got " + describe(e));
    }

    private static boolean bool(Expr.Call c, Expr e) {
        if (e instanceof Expr.Bool b) {
            return b.value();
        }
        throw new BadRequest(c.name() + "(): true or false was expected, got " + describe(e));
    }

    private static String describe(Expr e) {
        if (e instanceof Expr.Call c) {
            return "the call " + c.name() + "()";
        }
        if (e instanceof Expr.Path p) {
            return "the series " + p.text();
        }
        if (e instanceof Expr.Str s) {
            return "the string \"" + s.value() + "\"";
        }
        if (e instanceof Expr.Num n) {
            return "the number " + n.text();
        }
        return String.valueOf(((Expr.Bool) e).value());
    }

    // ---- numbers as Python writes them

    static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Python's {@code round(x, 6)}: the exact binary value rounded half to even. */
    static double round6(double x) {
        if (Double.isInfinite(x) || Double.isNaN(x)) {
            return x;
        }
        return new BigDecimal(x).setScale(6, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Python's {@code str(float)}: the shortest repr, exponent form below 1e-4 and from 1e16 ({@code 10.0}, {@code 1e+20}). */
    static String pythonFloat(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return 1 / x < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 16) {
            String m = d.movePointLeft(exp).toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String s = d.toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    /** Python's {@code "%g" % x}: 6 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
    static String formatG(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return 1 / x < 0 ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 6) {
            BigDecimal mant = d.movePointLeft(exp).stripTrailingZeros();
            String m = mant.toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String s = d.stripTrailingZeros().toPlainString();
        return s;
    }
}
