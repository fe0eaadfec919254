package lodestar.support.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.api.Tags;

class TagFilterTest {

    @Test
    void anyListedKeyWithAMatchingValue() {
        TagFilter f = TagFilter.parse("tagpass", new String[] {"dc=par*,ams1", "env=prod"});
        assertTrue(f.matches(Tags.of("dc", "par2")));
        assertTrue(f.matches(Tags.of("dc", "ams1", "env", "dev")));
        assertTrue(f.matches(Tags.of("env", "prod")));
        assertFalse(f.matches(Tags.of("dc", "fra1")));
        assertFalse(f.matches(Tags.EMPTY));
    }

    @Test
    void entriesInOneStringAreSeparatedBySemicolons() {
        TagFilter f = TagFilter.parse("tagdrop", new String[] {"dc=fra1; env=test"});
        assertTrue(f.matches(Tags.of("env", "test")));
        assertTrue(f.matches(Tags.of("dc", "fra1")));
        assertTrue(TagFilter.parse("tagdrop", new String[0]).isEmpty());
        assertTrue(TagFilter.parse("tagdrop", null).isEmpty());
    }

    @Test
    void malformedEntriesNameTheProperty() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TagFilter.parse("tagpass", new String[] {"novalue"}))
                .getMessage().startsWith("tagpass:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TagFilter.parse("tagdrop", new String[] {"=x"}))
                .getMessage().startsWith("tagdrop:"));
    }
}
