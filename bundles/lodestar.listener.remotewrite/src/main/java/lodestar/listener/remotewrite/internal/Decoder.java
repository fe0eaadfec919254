package lodestar.listener.remotewrite.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.proto.remotewrite.NativeHistograms;

/**
 * Turns a decoded remote-write body (1.0 {@code prometheus.WriteRequest} or 2.0 {@code io.prometheus.write.v2.Request})
 * into samples: {@code __name__} is the name, every other label a tag, float samples keep their value and
 * timestamp, native histograms become {@link Kind#HISTOGRAM} samples. The kind of a float series comes from the
 * metric metadata the sender sent (1.0 sends it in separate requests every minute, 2.0 with each series), remembered
 * per metric family; without it a name ending in {@code _total}, {@code _bucket}, {@code _count} or {@code _sum} is a
 * counter and everything else a gauge. Classic histograms ({@code _bucket{le}}, {@code _sum}, {@code _count}) stay
 * plain samples, as Prometheus stores them.
 *
 * <p>A series without a name, with an empty or repeated label name or a malformed histogram is skipped and counted
 * as invalid; the rest of the request is kept (as Prometheus's own receiver does). Prometheus's staleness markers
 * (a NaN with a special bit pattern, sent when a series disappears) are skipped and counted. Thread-safe.
 */
final class Decoder {

    /** Prometheus's staleness marker: a signalling NaN with this exact bit pattern. */
    static final long STALE_NAN = 0x7ff0000000000002L;
    /** Protobuf nesting never exceeds a handful of levels in these messages. */
    private static final int RECURSION_LIMIT = 16;

    /** What one request decoded to. */
    static final class Result {
        final List<Sample> samples = new ArrayList<>();
        int floats;
        int histograms;
        int exemplars;
        int staleMarkers;
        int invalidSeries;
        String firstProblem;

        void invalid(String problem) {
            invalidSeries++;
            if (firstProblem == null) {
                firstProblem = problem;
            }
        }
    }

    /** The request holds more than the listener takes in one request. */
    static final class TooManyException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyException(String message) {
            super(message, null, false, false);
        }
    }

    private final int maxSeries;
    private final int maxSamples;
    private final int maxFamilies;
    private final Map<String, Kind> familyKinds = new ConcurrentHashMap<>();

    Decoder(int maxSeries, int maxSamples, int maxFamilies) {
        this.maxSeries = maxSeries;
        this.maxSamples = maxSamples;
        this.maxFamilies = maxFamilies;
    }

    int knownFamilies() {
        return familyKinds.size();
    }

    Result decodeV1(byte[] body) throws InvalidProtocolBufferException, TooManyException {
        Remote.WriteRequest req;
        try {
            req = Remote.WriteRequest.parseFrom(input(body));
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) { // a byte array cannot fail to read; protobuf declares it anyway
            throw new InvalidProtocolBufferException(e);
        }
        Result r = new Result();
        for (Types.MetricMetadata m : req.getMetadataList()) {
            remember(m.getMetricFamilyName(), kindOf(m.getTypeValue()));
        }
        if (req.getTimeseriesCount() > maxSeries) {
            throw new TooManyException(req.getTimeseriesCount() + " series in one request, more than maxSeriesPerRequest "
                    + maxSeries);
        }
        long points = 0;
        for (Types.TimeSeries ts : req.getTimeseriesList()) {
            points += ts.getSamplesCount() + ts.getHistogramsCount();
        }
        if (points > maxSamples) {
            throw new TooManyException(points + " samples in one request, more than maxSamplesPerRequest " + maxSamples);
        }
        for (Types.TimeSeries ts : req.getTimeseriesList()) {
            String name = null;
            Tags tags = Tags.EMPTY;
            String problem = null;
            for (Types.Label l : ts.getLabelsList()) {
                String k = l.getName();
                String v = l.getValue();
                if (k.equals("__name__")) {
                    if (name != null) {
                        problem = "two __name__ labels";
                    }
                    name = v;
                } else if (k.isEmpty()) {
                    problem = "an empty label name";
                } else if (tags.get(k) != null) {
                    problem = "label " + k + " twice";
                } else if (!v.isEmpty()) { // Prometheus: an empty value is an absent label
                    tags = tags.with(k, v);
                }
            }
            r.exemplars += ts.getExemplarsCount();
            if (problem == null && (name == null || name.isEmpty())) {
                problem = "a series without __name__";
            }
            if (problem != null) {
                r.invalid(problem + " (" + ts.getLabelsList().size() + " labels)");
                continue;
            }
            Kind kind = kindOf(name, tags);
            for (Types.Sample s : ts.getSamplesList()) {
                addFloat(r, name, tags, s.getValue(), s.getTimestamp(), kind);
            }
            for (Types.Histogram h : ts.getHistogramsList()) {
                try {
                    addHistogram(r, name, tags, NativeHistograms.fromV1(h, h.getTimestamp()), h.getTimestamp());
                } catch (IllegalArgumentException | ArithmeticException e) {
                    r.invalid(name + ": " + e.getMessage());
                }
            }
        }
        return r;
    }

    Result decodeV2(byte[] body) throws InvalidProtocolBufferException, TooManyException {
        lodestar.proto.prompb.v2.Types.Request req;
        try {
            req = lodestar.proto.prompb.v2.Types.Request.parseFrom(input(body));
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        Result r = new Result();
        if (req.getTimeseriesCount() > maxSeries) {
            throw new TooManyException(req.getTimeseriesCount() + " series in one request, more than maxSeriesPerRequest "
                    + maxSeries);
        }
        long points = 0;
        for (var ts : req.getTimeseriesList()) {
            points += ts.getSamplesCount() + ts.getHistogramsCount();
        }
        if (points > maxSamples) {
            throw new TooManyException(points + " samples in one request, more than maxSamplesPerRequest " + maxSamples);
        }
        List<String> symbols = req.getSymbolsList();
        for (var ts : req.getTimeseriesList()) {
            String name = null;
            Tags tags = Tags.EMPTY;
            String problem = null;
            int refs = ts.getLabelsRefsCount();
            if (refs % 2 != 0) {
                problem = "an odd number of label references";
            }
            for (int i = 0; problem == null && i + 1 < refs; i += 2) {
                int kr = ts.getLabelsRefs(i);
                int vr = ts.getLabelsRefs(i + 1);
                if (kr < 0 || vr < 0 || kr >= symbols.size() || vr >= symbols.size()) {
                    problem = "a label reference outside the " + symbols.size() + " symbols";
                    break;
                }
                String k = symbols.get(kr);
                String v = symbols.get(vr);
                if (k.equals("__name__")) {
                    if (name != null) {
                        problem = "two __name__ labels";
                    }
                    name = v;
                } else if (k.isEmpty()) {
                    problem = "an empty label name";
                } else if (tags.get(k) != null) {
                    problem = "label " + k + " twice";
                } else if (!v.isEmpty()) {
                    tags = tags.with(k, v);
                }
            }
            r.exemplars += ts.getExemplarsCount();
            if (problem == null && (name == null || name.isEmpty())) {
                problem = "a series without __name__";
            }
            if (problem != null) {
                r.invalid(problem);
                continue;
            }
            if (ts.hasMetadata() && ts.getMetadata().getTypeValue() != 0) {
                remember(familyOf(name, ts.getMetadata().getTypeValue()), kindOf(ts.getMetadata().getTypeValue()));
            }
            Kind kind = kindOf(name, tags);
            for (var s : ts.getSamplesList()) {
                addFloat(r, name, tags, s.getValue(), s.getTimestamp(), kind);
            }
            for (var h : ts.getHistogramsList()) {
                try {
                    addHistogram(r, name, tags, NativeHistograms.fromV2(h, h.getTimestamp()), h.getTimestamp());
                } catch (IllegalArgumentException | ArithmeticException e) {
                    r.invalid(name + ": " + e.getMessage());
                }
            }
        }
        return r;
    }

    private static CodedInputStream input(byte[] body) {
        CodedInputStream in = CodedInputStream.newInstance(body);
        in.setRecursionLimit(RECURSION_LIMIT);
        return in;
    }

    private static void addFloat(Result r, String name, Tags tags, double v, long ts, Kind kind) {
        if (Double.doubleToRawLongBits(v) == STALE_NAN) {
            r.staleMarkers++;
            return;
        }
        r.samples.add(new Sample(name, tags, v, ts, kind));
        r.floats++;
    }

    private static void addHistogram(Result r, String name, Tags tags, Histogram h, long ts) {
        r.samples.add(Sample.histogram(name, tags, h, ts));
        r.histograms++;
    }

    private void remember(String family, Kind kind) {
        if (family.isEmpty() || kind == null) {
            return;
        }
        if (familyKinds.size() < maxFamilies || familyKinds.containsKey(family)) {
            familyKinds.put(family, kind);
        }
    }

    /**
     * 2.0 metadata comes with each series, named by the series; a histogram's or summary's series carry the suffix
     * their family name lacks.
     */
    private static String familyOf(String name, int type) {
        if (type == 3 || type == 4 || type == 5) { // histogram, gauge histogram, summary
            for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
                if (name.endsWith(suffix)) {
                    return name.substring(0, name.length() - suffix.length());
                }
            }
        }
        return name;
    }

    /**
     * The kind of a float series: its family's metadata when known, else by name. Metric types are numbered
     * alike in 1.0 and 2.0; the series of a histogram or summary ({@code _bucket}, {@code _count}, {@code _sum})
     * are counters, a summary's quantiles and a gauge histogram's series gauges.
     */
    Kind kindOf(String name, Tags tags) {
        Kind own = familyKinds.get(name);
        if (own != null && own != Kind.HISTOGRAM) {
            return own;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total"}) {
            if (name.endsWith(suffix)) {
                Kind family = familyKinds.get(name.substring(0, name.length() - suffix.length()));
                if (family != null) {
                    return family == Kind.HISTOGRAM ? Kind.COUNTER : family;
                }
            }
        }
        if (own == Kind.HISTOGRAM) { // a summary's quantile series carries the family name itself
            return Kind.GAUGE;
        }
        if (name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum")
                || (name.endsWith("_bucket") && tags.get("le") != null)) {
            return Kind.COUNTER;
        }
        return Kind.GAUGE;
    }

    /**
     * A metadata type as the kind its series get: counters are counters; histograms and summaries are marked
     * HISTOGRAM here so that {@link #kindOf} makes their {@code _bucket/_count/_sum} series counters; gauge
     * histograms, gauges and the rest are gauges; unknown types remember nothing.
     */
    private static Kind kindOf(int type) {
        return switch (type) {
        case 1 -> Kind.COUNTER;
        case 3, 5 -> Kind.HISTOGRAM;
        case 2, 4, 6, 7 -> Kind.GAUGE;
        default -> null;
        };
    }
}
