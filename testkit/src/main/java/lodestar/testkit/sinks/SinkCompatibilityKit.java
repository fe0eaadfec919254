package lodestar.testkit.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;

/**
 * The tests every sink passes, whatever its backend (as Micrometer's registries share one compatibility
 * kit): names, tags, special values, non-ASCII names, batching boundaries and backend errors. A sink's
 * test extends this class, starts its backend (the real server, or the in-repo server that checks each
 * request against the backend's documented API) and answers the abstract methods by asking the
 * backend what it stored, through the backend's own query API where it has one.
 *
 * <p>Each test uses names under its own random prefix, so a backend may be shared by all tests.
 */
public abstract class SinkCompatibilityKit {

    /** A sample as the backend stored it: the name and tags the backend reports, the value and time. */
    public record Stored(String name, Map<String, String> tags, double value, long timestampMillis) {
    }

    /** A sink writing to the running backend, configured with these extra properties (may be empty). */
    protected abstract Sink createSink(Map<String, Object> extraConfig) throws Exception;

    /**
     * What the backend holds for series whose name starts with {@code prefix} (as the sink wrote it),
     * waiting up to a few seconds for it to become visible. Names as the backend reports them.
     */
    protected abstract List<Stored> readBack(String prefix, int expectedCount) throws Exception;

    /** Makes the backend refuse or fail writes (stop it, or make the test server answer 5xx). */
    protected abstract void breakBackend() throws Exception;

    /** Undoes {@link #breakBackend()}. */
    protected abstract void repairBackend() throws Exception;

    /** The name the backend reports for a sample named {@code name} (its sanitizing rules). */
    protected String expectedName(String name) {
        return name;
    }

    /** The finest timestamp resolution the backend keeps, in milliseconds (Graphite: 1000). */
    protected long timestampResolutionMillis() {
        return 1;
    }

    /** Whether the backend can store NaN and infinities; if not, the sink must leave them out, counted. */
    protected boolean storesNonFinite() {
        return false;
    }

    /** Samples the sink wants to be given in one {@link Sink#write} call at most, for the batching test. */
    protected int largeBatch() {
        return 2500;
    }

    /**
     * Whether a write can fail at all because of the backend. A pull endpoint (Prometheus) holds the
     * latest values for the backend to scrape, so its write never fails and there is nothing to break:
     * such a sink answers false, and the backend-error test is skipped with that reason. Default true.
     */
    protected boolean supportsBackendErrors() {
        return true;
    }

    /**
     * The tags the backend reports for a sample sent with {@code sent}: by default all of them. A
     * backend with a narrower model answers less (Librato's source-based API keeps one tag, as its
     * source). The test checks every tag returned here.
     */
    protected Map<String, String> expectedTags(Map<String, String> sent) {
        return sent;
    }

    /**
     * The value the backend stores for a finite value the sink was given, or null when the backend
     * cannot store it at all and the sink must leave it out (Librato refuses exponents above 126 and
     * stores those below -130 as 0). Default: the value itself.
     */
    protected Double expectedValue(double sent) {
        return sent;
    }

    protected final String prefix = "kit" + Long.toHexString(System.nanoTime() & 0xffffffL);

    private long base() {
        long now = System.currentTimeMillis() - 60_000;
        return now - now % 1000;
    }

    private Sample sample(String suffix, Tags tags, double value, long ts) {
        return new Sample(prefix + "." + suffix, tags, value, ts, Kind.GAUGE);
    }

    private void assertValue(double expected, double actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
        } else {
            assertEquals(expected, actual, Math.abs(expected) * 1e-12, what);
        }
    }

    private Stored only(List<Stored> got, String suffix) {
        String n = expectedName(prefix + "." + suffix);
        List<Stored> l = got.stream().filter(s -> s.name().equals(n)).toList();
        assertEquals(1, l.size(), "exactly one point for " + n + " in " + got);
        return l.get(0);
    }

    @Test
    void namesValuesAndTimestampsArriveExactly() throws Exception {
        Sink sink = createSink(Map.of());
        long t = base();
        sink.write(List.of(sample("cpu.user", Tags.EMPTY, 12.5, t), sample("mem.free", Tags.EMPTY, 1024, t + 1000)));
        List<Stored> got = readBack(prefix, 2);
        Stored cpu = only(got, "cpu.user");
        assertValue(12.5, cpu.value(), "cpu.user");
        assertEquals(t / timestampResolutionMillis(), cpu.timestampMillis() / timestampResolutionMillis());
        Stored mem = only(got, "mem.free");
        assertValue(1024, mem.value(), "mem.free");
        assertEquals((t + 1000) / timestampResolutionMillis(), mem.timestampMillis() / timestampResolutionMillis());
    }

    @Test
    void tagsArriveAsTags() throws Exception {
        Sink sink = createSink(Map.of());
        long t = base();
        sink.write(List.of(sample("req", Tags.of("host", "web-1", "dc", "par1"), 3, t)));
        Stored s = only(readBack(prefix, 1), "req");
        for (Map.Entry<String, String> e : expectedTags(Map.of("host", "web-1", "dc", "par1")).entrySet()) {
            assertEquals(e.getValue(), s.tags().get(e.getKey()), "tag " + e.getKey() + " in " + s.tags());
        }
    }

    @Test
    void hugeTinyAndNegativeValuesKeepTheirPrecision() throws Exception {
        Sink sink = createSink(Map.of());
        long t = base();
        double[] values = {1.7976931348623157e308, 4.9e-324, -123456.789012345, 0.1 + 0.2, 9007199254740993.0, -0.0};
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            batch.add(sample("v" + i, Tags.EMPTY, values[i], t));
        }
        sink.write(batch);
        List<Stored> got = readBack(prefix, (int) Arrays.stream(values).filter(v -> expectedValue(v) != null).count());
        for (int i = 0; i < values.length; i++) {
            Double expected = expectedValue(values[i]);
            if (expected == null) {
                String n = expectedName(prefix + ".v" + i);
                assertTrue(got.stream().noneMatch(st -> st.name().equals(n)), values[i] + " must be left out: " + got);
            } else {
                assertValue(expected, only(got, "v" + i).value(), "value " + values[i]);
            }
        }
    }

    @Test
    void nonFiniteValuesAreStoredOrLeftOutWithoutLosingTheRest() throws Exception {
        Sink sink = createSink(Map.of());
        long t = base();
        List<Sample> batch = List.of(sample("nan", Tags.EMPTY, Double.NaN, t), sample("inf", Tags.EMPTY, Double.POSITIVE_INFINITY, t),
                sample("ok", Tags.EMPTY, 1, t));
        List<Sample> accepted = batch.stream().filter(sink::accepts).toList();
        sink.write(accepted);
        List<Stored> got = readBack(prefix, storesNonFinite() ? 3 : 1);
        assertValue(1, only(got, "ok").value(), "the finite sample beside them");
        if (storesNonFinite()) {
            assertValue(Double.NaN, only(got, "nan").value(), "NaN");
            assertValue(Double.POSITIVE_INFINITY, only(got, "inf").value(), "+Inf");
        } else {
            assertTrue(got.stream().noneMatch(s -> s.name().endsWith("nan") || s.name().endsWith("inf")), got.toString());
        }
    }

    @Test
    void nonAsciiNamesSurvive() throws Exception {
        Sink sink = createSink(Map.of());
        sink.write(List.of(sample("température.café", Tags.of("ville", "Zürich"), 21.5, base())));
        Stored s = only(readBack(prefix, 1), "température.café");
        assertValue(21.5, s.value(), "non-ASCII name");
    }

    @Test
    void largeBatchesArriveWhole() throws Exception {
        Sink sink = createSink(Map.of());
        long t = base();
        int n = largeBatch();
        List<Sample> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(sample("series" + i, Tags.EMPTY, i, t));
        }
        sink.write(batch);
        sink.write(List.of());
        List<Stored> got = readBack(prefix, n);
        assertEquals(n, got.size(), "every sample of a batch of " + n);
        assertEquals((double) n * (n - 1) / 2, got.stream().mapToDouble(Stored::value).sum());
    }

    @Test
    void aFailingBackendMakesWriteThrowAndARepairedOneTakesTheSameBatch() throws Exception {
        Assumptions.assumeTrue(supportsBackendErrors(), getClass().getSimpleName()
                + ": the backend cannot make this sink's write fail (supportsBackendErrors() is false)");
        Sink sink = createSink(Map.of());
        long t = base();
        List<Sample> batch = List.of(sample("retry", Tags.EMPTY, 7, t));
        breakBackend();
        try {
            assertThrows(IOException.class, () -> sink.write(batch), "a backend that does not take the batch must make write throw");
        } finally {
            repairBackend();
        }
        sink.write(batch);
        assertValue(7, only(readBack(prefix, 1), "retry").value(), "after repair");
    }
}
