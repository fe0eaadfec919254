package lodestar.processor.naming.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

class FilterProcessorTest {

    private static FilterProcessor filter(Object... keyValues) {
        return new FilterProcessor(Configs.of(FilterProcessor.Config.class, keyValues), Map.of());
    }

    private static boolean passes(FilterProcessor f, String name, String... tags) {
        return f.process(new Sample(name, Tags.of(tags), 1, 1, Kind.GAUGE)) != null;
    }

    @Test
    void emptyPassesAll() {
        assertTrue(passes(filter(), "anything.at.all", "k", "v"));
    }

    @Test
    void namepass() {
        FilterProcessor f = filter("include", new String[] {"cpu.*,mem.**"});
        assertTrue(passes(f, "cpu.idle"));
        assertTrue(passes(f, "mem.a.b"));
        assertEquals(false, passes(f, "cpu.a.b"), "* stays within one component");
        assertEquals(false, passes(f, "disk.io"));
        assertEquals(2L, f.status().counters().get("dropped_name"));
    }

    @Test
    void namedrop() {
        FilterProcessor f = filter("exclude", new String[] {"debug.**"});
        assertEquals(false, passes(f, "debug.x.y"));
        assertTrue(passes(f, "app.debug"));
    }

    @Test
    void tagpassNeedsOneMatchingTag() {
        FilterProcessor f = filter("tagpass", new String[] {"env=prod,stag*", "dc=eu-*"});
        assertTrue(passes(f, "m", "env", "prod"));
        assertTrue(passes(f, "m", "env", "staging"));
        assertTrue(passes(f, "m", "env", "dev", "dc", "eu-west"), "any listed key may match");
        assertEquals(false, passes(f, "m", "env", "dev"));
        assertEquals(false, passes(f, "m"), "no such tag: dropped");
        assertEquals(2L, f.status().counters().get("dropped_tagpass"));
    }

    @Test
    void tagpassEntriesSeparatedBySemicolonInOneString() {
        FilterProcessor f = filter("tagpass", new String[] {"env=prod;dc=eu"});
        assertTrue(passes(f, "m", "dc", "eu"));
        assertTrue(passes(f, "m", "env", "prod"));
    }

    @Test
    void tagdrop() {
        FilterProcessor f = filter("tagdrop", new String[] {"env=dev,test"});
        assertEquals(false, passes(f, "m", "env", "test"));
        assertTrue(passes(f, "m", "env", "prod"));
        assertTrue(passes(f, "m"));
        assertEquals(1L, f.status().counters().get("dropped_tagdrop"));
    }

    @Test
    void combinedInTelegrafOrder() {
        FilterProcessor f = filter("include", new String[] {"app.**"}, "exclude", new String[] {"app.debug.**"},
                "tagpass", new String[] {"env=prod"}, "tagdrop", new String[] {"host=canary*"});
        assertTrue(passes(f, "app.req", "env", "prod", "host", "web1"));
        assertEquals(false, passes(f, "app.debug.x", "env", "prod"));
        assertEquals(false, passes(f, "app.req", "env", "dev"));
        assertEquals(false, passes(f, "app.req", "env", "prod", "host", "canary1"));
        assertEquals(false, passes(f, "sys.cpu", "env", "prod"));
        Map<String, Long> c = f.status().counters();
        assertEquals(5L, c.get("seen"));
        assertEquals(2L, c.get("dropped_name"));
        assertEquals(1L, c.get("dropped_tagpass"));
        assertEquals(1L, c.get("dropped_tagdrop"));
    }

    @Test
    void keepsTheSampleItself() {
        Sample s = new Sample("a", Tags.EMPTY, 1, 1, Kind.GAUGE);
        assertNotNull(filter().process(s));
        assertEquals(s, filter().process(s));
    }

    @Test
    void badTagpassNamesTheProperty() {
        for (String bad : new String[] {"env", "=prod", "env=", "env= , "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> filter("tagpass", new String[] {bad}), bad);
            assertTrue(e.getMessage().startsWith("tagpass: "), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> filter("tagdrop", new String[] {"x"}));
        assertTrue(e.getMessage().startsWith("tagdrop: "), e.getMessage());
    }

    @Test
    void modifiedSwapsRules() {
        FilterProcessor f = filter();
        f.modified(Configs.of(FilterProcessor.Config.class, "exclude", new String[] {"a"}));
        assertNull(f.process(new Sample("a", Tags.EMPTY, 1, 1, Kind.GAUGE)));
    }
}
