package lodestar.beacon.script.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** Format choice across a run, prefixing, rates, and bad lines with their numbers. */
class OutputReaderTest {

    private final List<Sample> out = new ArrayList<>();
    private final List<String> bad = new ArrayList<>();

    private OutputReader.Counts read(OutputReader r, long at, String... lines) {
        List<ScriptRunner.Line> l = new ArrayList<>();
        for (String s : lines) {
            l.add(new ScriptRunner.Line(s, at, false));
        }
        return r.read(l, out::add, (n, line, why) -> bad.add(n + ": " + why));
    }

    @Test
    void guessesEachLineAndKeepsGoodLinesAroundBadOnes() {
        OutputReader r = new OutputReader(Format.AUTO, "", new Rates(60_000));
        OutputReader.Counts c = read(r, 5_000, "a.b 1", "", "# comment", "some garbage in this line", "cpu,h=x u=2", "c 3 t stack",
                "x y");
        assertEquals(new OutputReader.Counts(5, 2, 3), c);
        assertEquals(List.of(new Sample("a.b", Tags.EMPTY, 1, 5_000, Kind.GAUGE),
                new Sample("cpu.u", Tags.of("h", "x"), 2, 5_000, Kind.GAUGE),
                new Sample("c", Tags.of("check_type", "t"), 3, 5_000, Kind.GAUGE)), out);
        assertEquals(2, bad.size());
        assertEquals("4: not PuyPuy (4 fields), Graphite (2-3 fields) or InfluxDB line protocol", bad.get(0));
        assertEquals("7: as graphite: value 'y' is not a number", bad.get(1));
    }

    @Test
    void aHeaderDecidesForTheWholeRun() {
        OutputReader r = new OutputReader(Format.AUTO, "", new Rates(60_000));
        // "a 1" would be guessed as Graphite; under the influx header it is a bad line
        OutputReader.Counts c = read(r, 1, "", "# format: influx", "m f=1", "a 1");
        assertEquals(new OutputReader.Counts(2, 1, 1), c);
        assertEquals("4: field '1' has no '='", bad.get(0));
    }

    @Test
    void anUnknownHeaderIsABadLineAndGuessingGoesOn() {
        OutputReader r = new OutputReader(Format.AUTO, "", new Rates(60_000));
        OutputReader.Counts c = read(r, 1, "# format: json", "a 1");
        assertEquals(new OutputReader.Counts(2, 1, 1), c);
        assertEquals(1, bad.size());
    }

    @Test
    void aConfiguredFormatIgnoresHeadersAndDoesNotGuess() {
        OutputReader r = new OutputReader(Format.GRAPHITE, "", new Rates(60_000));
        OutputReader.Counts c = read(r, 1, "# format: influx", "m f=1", "a 1");
        assertEquals(new OutputReader.Counts(2, 1, 1), c);
        assertEquals("2: value 'f=1' is not a number", bad.get(0));
    }

    @Test
    void prefixAndLineTimestamps() {
        OutputReader r = new OutputReader(Format.AUTO, "site.one", new Rates(60_000));
        read(r, 9, "a 1 1700000000", "m,k=v f=2 1700000000000000000");
        assertEquals(List.of(new Sample("site.one.a", Tags.EMPTY, 1, 1_700_000_000_000L, Kind.GAUGE),
                new Sample("site.one.m.f", Tags.of("k", "v"), 2, 1_700_000_000_000L, Kind.GAUGE)), out);
    }

    @Test
    void puypuyRateAcrossRuns() {
        OutputReader r = new OutputReader(Format.PUYPUY, "", new Rates(60_000));
        read(r, 10_000, "req 100 web rate", "conn 5 web stack");
        assertEquals(1, out.size(), "first sample of a rate emits nothing");
        out.clear();
        read(r, 20_000, "req 300 web rate");
        assertEquals(List.of(new Sample("req", Tags.of("check_type", "web"), 20, 20_000, Kind.RATE)), out);
        out.clear();
        read(r, 30_000, "req 50 web rate");
        assertEquals(List.of(), out, "a reset emits nothing");
        read(r, 40_000, "req 80 web rate");
        assertEquals(List.of(new Sample("req", Tags.of("check_type", "web"), 3, 40_000, Kind.RATE)), out);
    }

    @Test
    void tooLongLinesAreBad() {
        OutputReader r = new OutputReader(Format.AUTO, "", new Rates(60_000));
        OutputReader.Counts c = r.read(List.of(new ScriptRunner.Line("xxx...", 1, true), new ScriptRunner.Line("a 1", 1, false)),
                out::add, (n, line, why) -> bad.add(n + ": " + why));
        assertEquals(new OutputReader.Counts(2, 1, 1), c);
        assertEquals("1: line longer than 65536 characters", bad.get(0));
    }
}
