package lodestar.beacon.script.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.api.Sample;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of what a script prints (fuzz/README.md): PuyPuy, Graphite and InfluxDB line protocol
 * lines, a format header, or guessed per line, through {@link OutputReader}. Seeds: {@code ScriptOutputFuzzTestInputs/}.
 */
class ScriptOutputFuzzTest {

    /** samples, names and tags are made of the output */
    private static final AllocationBound ALLOC = new AllocationBound("script output reader", 256 * 1024, 300);

    /** One run's result. */
    private static final class Run {
        final List<Sample> out = new ArrayList<>();
        final List<String> bad = new ArrayList<>();
        OutputReader.Counts counts;
    }

    /** The output's lines as ScriptRunner's pump makes them: UTF-8 (bad bytes replaced), '\n'-separated, CR dropped. */
    static List<ScriptRunner.Line> lines(String text) {
        List<ScriptRunner.Line> l = new ArrayList<>();
        String[] parts = text.split("\n", -1);
        for (int i = 0; i < parts.length; i++) {
            String t = parts[i];
            if (i == parts.length - 1 && t.isEmpty()) {
                break;
            }
            if (t.endsWith("\r")) {
                t = t.substring(0, t.length() - 1);
            }
            boolean tooLong = t.length() > ScriptRunner.MAX_LINE_CHARS;
            l.add(new ScriptRunner.Line(tooLong ? t.substring(0, 80) + "..." : t, 1_700_000_000_000L, tooLong));
        }
        return l;
    }

    private static Run read(Format format, String prefix, List<ScriptRunner.Line> lines) {
        Run r = new Run();
        r.counts = new OutputReader(format, prefix, new Rates(60_000)).read(lines, r.out::add, (n, line, why) -> r.bad.add(n + ": " + why));
        return r;
    }

    /**
     * Reading never throws (a bad line is reported and counted); the counts agree with what was reported and
     * emitted; memory is bounded by the output's size; and a good line after the output's lines comes out.
     */
    @FuzzTest(maxDuration = "20s")
    void output(FuzzedDataProvider in) {
        Format format = in.pickValue(Format.values());
        String prefix = in.consumeBoolean() ? "" : "pre";
        byte[] bytes = in.consumeRemainingAsBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<ScriptRunner.Line> lines = lines(text);

        ALLOC.run(bytes.length, () -> read(format, prefix, lines));
        Run r = read(format, prefix, lines);
        Rejections.counted("bad lines reported", 0, r.bad.size(), r.counts.bad());
        Rejections.counted("samples emitted", 0, r.out.size(), r.counts.samples());
        Rejections.check(r.counts.bad() <= r.counts.lines() && r.counts.lines() <= lines.size(),
                "counts " + r.counts + " for " + lines.size() + " lines");

        // the format the rest of the run is read in: configured, or named by a first-line header
        Format effective = format;
        if (format == Format.AUTO) {
            String first = lines.stream().map(l -> l.text().trim()).filter(t -> !t.isEmpty()).findFirst().orElse("");
            Format h = first.isEmpty() ? null : Format.header(first);
            effective = h == null ? Format.AUTO : h;
        }
        String canary;
        String name;
        if (effective == Format.INFLUX) {
            canary = "fuzz_canary_q7 value=42";
            name = "fuzz_canary_q7.value";
        } else if (effective == Format.GRAPHITE || effective == Format.AUTO) {
            canary = "fuzz.canary.q7 42";
            name = "fuzz.canary.q7";
        } else {
            return;
        }
        List<ScriptRunner.Line> more = new ArrayList<>(lines);
        more.add(new ScriptRunner.Line(canary, 1_700_000_000_000L, false));
        Run c = read(format, prefix, more);
        String full = prefix.isEmpty() ? name : prefix + "." + name;
        long before = r.out.stream().filter(s -> s.name().equals(full)).count();
        List<Sample> after = c.out.stream().filter(s -> s.name().equals(full)).toList();
        Rejections.check(after.size() == before + 1 && after.get(after.size() - 1).value() == 42,
                "the good line after the output's lines came out as " + after);
        Rejections.counted("bad lines with a good line after", r.counts.bad(), c.counts.bad(), 0);
    }
}
