package lodestar.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class SkippedSamplesTest {

    private static Sample sample(double v) {
        return Sample.of("m", Tags.EMPTY, v, 1000, Kind.GAUGE);
    }

    @Test
    void nonFiniteValuesAreCountedAndLoggedOnceAMinute() {
        List<String> lines = new CopyOnWriteArrayList<>();
        SkippedSamples s = SkippedSamples.nonFinite("Test sink http://h", "Test", lines::add);
        assertFalse(s.skipNonFinite(sample(1.5)));
        assertFalse(s.skipNonFinite(sample(-0.0)));
        assertTrue(s.skipNonFinite(sample(Double.NaN)));
        assertTrue(s.skipNonFinite(sample(Double.POSITIVE_INFINITY)));
        assertTrue(s.skipNonFinite(sample(Double.NEGATIVE_INFINITY)));
        assertEquals(3, s.count());
        assertEquals(List.of("Test sink http://h: leaving out samples whose value is NaN or infinite (Test cannot"
                + " store them), e.g. " + sample(Double.NaN) + "; 1 so far"), lines);
    }

    @Test
    void anyReasonWithAnyExample() {
        List<String> lines = new CopyOnWriteArrayList<>();
        SkippedSamples s = new SkippedSamples("Librato sink", "names longer than 255 characters", lines::add);
        s.skip("'xxx...'");
        s.skip("'yyy...'");
        assertEquals(2, s.count());
        assertEquals(List.of("Librato sink: leaving out names longer than 255 characters, e.g. 'xxx...'; 1 so far"), lines);
        assertEquals("2 names longer than 255 characters left out", s.toString());
    }
}
