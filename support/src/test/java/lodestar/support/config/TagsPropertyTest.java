package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import lodestar.api.Tags;

class TagsPropertyTest {

    @Test
    void entriesHoldOneOrSeveralPairs() {
        assertEquals(Tags.of("dc", "par1", "host", "web-1", "rack", "r2"),
                TagsProperty.parse("defaultTags", new String[] {" dc = par1 ,host=web-1", "", null, "rack=r2,"}, null));
        assertEquals(Tags.of("k", "b"), TagsProperty.parse("defaultTags", new String[] {"k=a", "k=b"}, null),
                "the last value wins");
        assertEquals(Tags.of("a", "x=y"), TagsProperty.parse("defaultTags", new String[] {"a=x=y"}, null),
                "the first '=' separates");
        assertEquals(Tags.EMPTY, TagsProperty.parse("defaultTags", null, null));
        assertEquals(Tags.EMPTY, TagsProperty.parse("defaultTags", new String[] {" , "}, null));
    }

    @Test
    void keysAndValuesAreSanitized() {
        assertEquals(Tags.of("k_1", "a_b"), TagsProperty.parse("defaultTags", new String[] {"k:1=a:b"},
                s -> s.replace(':', '_')));
    }

    @Test
    void aPairWithoutKeyOrValueNamesTheProperty() {
        for (String bad : new String[] {"host", "=x", "novalue=", " = "}) {
            assertEquals("globalTags: expected key=value, got '" + bad.trim() + "'", assertThrows(
                    IllegalArgumentException.class, () -> TagsProperty.parse("globalTags", new String[] {"a=b," + bad}, null))
                    .getMessage());
        }
    }

    @Test
    void nothingListedGivesTheShortHostName() {
        assertEquals(Tags.of("host", Hosts.shortName().toUpperCase()),
                TagsProperty.parseOrHost("defaultTags", new String[0], String::toUpperCase));
        assertEquals(Tags.of("host", Hosts.shortName()), TagsProperty.parseOrHost("defaultTags", null, null));
        assertEquals(Tags.of("dc", "x"), TagsProperty.parseOrHost("defaultTags", new String[] {"dc=x"}, null));
    }
}
