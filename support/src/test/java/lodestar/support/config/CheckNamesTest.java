package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CheckNamesTest {

    @Test
    void displayNamesBecomeMetricSafe() {
        assertEquals("Is_True", CheckNames.metricName("Is True?", true));
        assertEquals("Is_Google_Up", CheckNames.metricName("Is Google Up", false));
        assertEquals("a_b", CheckNames.metricName("a.b", false));
        assertEquals("a.b", CheckNames.metricName("a.b", true));
        assertEquals("disk.root_fs", CheckNames.metricName("disk. root fs!", true));
        assertEquals("", CheckNames.metricName("?!", true));
    }

    @Test
    void metricSafeNamesAreKeptExactly() {
        // names that were valid before display names existed must keep their series
        assertEquals("a__b", CheckNames.metricName("a__b", true));
        assertEquals("_x-", CheckNames.metricName("_x-", false));
    }

    @Test
    void badDisplayNamesNameTheProperty() {
        for (String bad : new String[] {"?!", "a\nb", "x".repeat(201)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckNames.display("name", bad, true));
            assertTrue(e.getMessage().startsWith("name:"), e.getMessage());
        }
        assertEquals("Is True?", CheckNames.display("name", "  Is True?  ", true));
    }
}
