package lodestar.beacon.script.internal;

import java.util.List;
import java.util.OptionalDouble;

import lodestar.api.Emitter;
import lodestar.api.Kind;
import lodestar.api.Sample;

/**
 * Turns the stdout lines of one run into samples: picks the format (configured, a header, or a guess
 * per line), parses, prefixes, computes PuyPuy rates. Blank lines and lines starting with {@code #} are
 * skipped. A bad line is reported and counted; it does not stop the lines after it.
 */
final class OutputReader {

    /** Where bad lines are reported, with their 1-based line number. */
    interface BadLines {
        void bad(int lineNumber, String line, String why);
    }

    /**
     * @param lines non-blank, non-comment lines read
     * @param bad   of those, the ones that could not be read
     * @param samples samples emitted
     */
    record Counts(int lines, int bad, int samples) {
    }

    private final Format configured;
    private final String prefix;
    private final Rates rates;

    /** @param prefix prepended with a dot to every name; empty for none */
    OutputReader(Format configured, String prefix, Rates rates) {
        this.configured = configured;
        this.prefix = prefix.isEmpty() ? "" : prefix + ".";
        this.rates = rates;
    }

    Counts read(List<ScriptRunner.Line> lines, Emitter out, BadLines badLines) {
        Format format = configured;
        int read = 0;
        int bad = 0;
        int samples = 0;
        boolean first = true;
        for (int n = 0; n < lines.size(); n++) {
            ScriptRunner.Line line = lines.get(n);
            String text = line.text();
            if (line.tooLong()) {
                read++;
                bad++;
                badLines.bad(n + 1, text, "line longer than " + ScriptRunner.MAX_LINE_CHARS + " characters");
                continue;
            }
            String t = text.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (first) {
                first = false;
                Format h = configured == Format.AUTO ? Format.header(t) : null;
                if (h == Format.AUTO) {
                    read++;
                    bad++;
                    badLines.bad(n + 1, text, "unknown format in header (expected puypuy, graphite or influx); guessing per line");
                    continue;
                }
                if (h != null) {
                    format = h;
                    continue;
                }
            }
            if (t.startsWith("#")) {
                continue;
            }
            read++;
            Format f = format == Format.AUTO ? Format.guess(t) : format;
            if (f == null) {
                bad++;
                badLines.bad(n + 1, text, "not PuyPuy (4 fields), Graphite (2-3 fields) or InfluxDB line protocol");
                continue;
            }
            try {
                for (Metric m : f.parser().parse(t)) {
                    samples += emit(m, line.receivedAt(), out);
                }
            } catch (BadLineException e) {
                bad++;
                badLines.bad(n + 1, text, (format == Format.AUTO ? "as " + f.name().toLowerCase(java.util.Locale.ROOT) + ": " : "") + e.getMessage());
            }
        }
        return new Counts(read, bad, samples);
    }

    private int emit(Metric m, long receivedAt, Emitter out) {
        String name = prefix + m.name();
        long ts = m.timestamp() == Metric.NOW ? receivedAt : m.timestamp();
        if (!m.rate()) {
            out.emit(new Sample(name, m.tags(), m.value(), ts, Kind.GAUGE));
            return 1;
        }
        OptionalDouble r = rates.rate(Sample.seriesKey(name, m.tags()), m.value(), ts);
        if (r.isEmpty()) {
            return 0;
        }
        out.emit(new Sample(name, m.tags(), r.getAsDouble(), ts, Kind.RATE));
        return 1;
    }
}
