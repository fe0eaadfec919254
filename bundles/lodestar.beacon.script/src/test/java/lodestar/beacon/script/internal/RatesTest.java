package lodestar.beacon.script.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

/** PuyPuy's rate style: first sample, steady rate, counter reset, time going nowhere, forgetting. */
class RatesTest {

    private final Rates rates = new Rates(60_000);

    @Test
    void firstSampleEmitsNothing() {
        assertTrue(rates.rate("a", 100, 1_000).isEmpty());
    }

    @Test
    void perSecondFromThePreviousValue() {
        rates.rate("a", 100, 10_000);
        assertEquals(OptionalDouble.of(5), rates.rate("a", 150, 20_000));
        assertEquals(OptionalDouble.of(0), rates.rate("a", 150, 30_000));
        assertEquals(OptionalDouble.of(100), rates.rate("a", 200, 30_500));
    }

    @Test
    void counterResetEmitsNothingAndRestartsFromTheNewValue() {
        rates.rate("a", 1_000, 10_000);
        assertTrue(rates.rate("a", 10, 20_000).isEmpty(), "a decrease is a reset, not a negative rate");
        assertEquals(OptionalDouble.of(2), rates.rate("a", 30, 30_000), "the rate continues from the value after the reset");
    }

    @Test
    void noElapsedTimeKeepsTheOlderBaseline() {
        rates.rate("a", 100, 10_000);
        assertTrue(rates.rate("a", 120, 10_000).isEmpty());
        assertTrue(rates.rate("a", 120, 9_000).isEmpty());
        assertEquals(OptionalDouble.of(4), rates.rate("a", 140, 20_000));
    }

    @Test
    void seriesAreIndependent() {
        rates.rate("a", 0, 0);
        rates.rate("b", 0, 0);
        assertEquals(OptionalDouble.of(1), rates.rate("a", 10, 10_000));
        assertEquals(OptionalDouble.of(2), rates.rate("b", 20, 10_000));
    }

    @Test
    void aLongGapStartsAgainAndPruneForgets() {
        rates.rate("a", 0, 0);
        assertTrue(rates.rate("a", 1_000, 61_000).isEmpty(), "after more than forgetMillis: a new baseline");
        assertEquals(OptionalDouble.of(1), rates.rate("a", 1_010, 71_000));
        rates.rate("b", 0, 0);
        rates.prune(100_000);
        assertEquals(1, rates.size(), "b was last seen 100 s ago");
    }
}
