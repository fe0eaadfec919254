package lodestar.processor.naming.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

/** Bucky's name rules, each alone and combined, against the examples in Bucky's README. */
class NamingProcessorTest {

    private static NamingProcessor naming(Object... keyValues) {
        return new NamingProcessor(Configs.of(NamingProcessor.Config.class, keyValues), Map.of());
    }

    private static Sample sample(String name, String... tags) {
        return new Sample(name, Tags.of(tags), 1.5, 1000L, Kind.GAUGE);
    }

    private static String name(NamingProcessor p, String name, String... tags) {
        return p.process(sample(name, tags)).name();
    }

    // Bucky README: "a.a.b.c.c.b would be rewritten as a.b.c.b"
    @Test
    void stripsAdjacentDuplicates() {
        assertEquals("a.b.c.b", name(naming(), "a.a.b.c.c.b"));
    }

    @Test
    void keepsDuplicatesWhenAsked() {
        assertEquals("a.a.b.c.c.b", name(naming("stripDuplicates", false), "a.a.b.c.c.b"));
    }

    // Bucky README: "node.company.tld" would be rewritten as "tld.company.node"
    @Test
    void reversesHost() {
        NamingProcessor p = naming();
        assertEquals(List.of("tld", "company", "node"), p.hostname("node.company.tld"));
        Sample out = p.process(sample("cpu.idle", "host", "node.company.tld", "dc", "x"));
        assertEquals("tld.company.node.cpu.idle", out.name());
        assertEquals(Tags.of("dc", "x"), out.tags(), "the host moved into the name, other tags stay");
    }

    @Test
    void hostInOwnOrderWhenNotReversed() {
        assertEquals("node.company.tld.cpu", name(naming("reverseHost", false), "cpu", "host", "node.company.tld"));
    }

    // Bucky README: with "company.tld" trimmed, node.company.tld "would end up as node"
    @Test
    void trimsHost() {
        NamingProcessor p = naming("hostTrim", new String[] {"company.tld"});
        assertEquals(List.of("node"), p.hostname("node.company.tld"));
        assertEquals("node.cpu", name(p, "cpu", "host", "node.company.tld"));
        assertEquals("org.other.node.cpu", name(p, "cpu", "host", "node.other.org"), "no match: reversed only");
    }

    @Test
    void trimFirstMatchingEntryOnlyAndShortHostsSafe() {
        NamingProcessor p = naming("hostTrim", new String[] {"tld", "company.tld"});
        assertEquals(List.of("company", "node"), p.hostname("node.company.tld"), "the first match wins, as Bucky");
        assertEquals(List.of("tld"), naming("hostTrim", new String[] {"a.b.tld"}).hostname("tld"));
        assertEquals(List.of("node"), naming("hostTrim", new String[] {"company.tld, other.tld"}).hostname("node.company.tld"),
                "comma-separated list from a .cfg file");
    }

    @Test
    void trimAndKeepOrder() {
        assertEquals("web1.dc1.cpu", name(naming("hostTrim", new String[] {"company.tld"}, "reverseHost", false),
                "cpu", "host", "web1.dc1.company.tld"));
    }

    @Test
    void prefixAndPostfixAreOneComponentEachWithDotsReplaced() {
        NamingProcessor p = naming("prefix", "servers.eu", "postfix", "v1.0");
        assertEquals("servers_eu.cpu.v1_0", name(p, "cpu"));
    }

    @Test
    void prefixPartsAndPostfixPartsAreSeveralComponents() {
        NamingProcessor p = naming("prefix", "a", "prefixParts", new String[] {"b,c"}, "postfixParts", new String[] {"y"},
                "postfix", "z");
        assertEquals("a.b.c.cpu.y.z", name(p, "cpu"));
    }

    @Test
    void replaceOffKeepsDots() {
        assertEquals("servers.eu.cpu", name(naming("prefix", "servers.eu", "replace", ""), "cpu"));
        assertEquals("servers-eu.cpu", name(naming("prefix", "servers.eu", "replace", "-"), "cpu"));
    }

    @Test
    void allRulesCombined() {
        NamingProcessor p = naming("prefix", "bucky", "hostTrim", new String[] {"company.tld"}, "postfix", "value");
        // prefix + trimmed host + name + postfix, then duplicates stripped across the joins
        assertEquals("bucky.node.load.value", name(p, "node.load.load", "host", "node.company.tld"));
        assertEquals("bucky.tld.other.node.a.b.c.b.value", name(p, "a.a.b.c.c.b", "host", "node.other.tld"));
    }

    @Test
    void withoutHostTagTheHostStaysATag() {
        Sample out = naming("hostTag", "").process(sample("cpu", "host", "a.b"));
        assertEquals("cpu", out.name());
        assertEquals("a.b", out.tags().get("host"));
    }

    @Test
    void unchangedSampleIsTheSameObject() {
        Sample s = sample("a.b.c");
        assertSame(s, naming().process(s));
    }

    @Test
    void scopeLimitsWhichNamesAreRenamed() {
        NamingProcessor p = naming("prefix", "x", "include", new String[] {"collectd.**"}, "exclude", new String[] {"collectd.skip.*"});
        assertEquals("x.collectd.cpu", name(p, "collectd.cpu"));
        assertEquals("other.cpu", name(p, "other.cpu"));
        assertEquals("collectd.skip.me", name(p, "collectd.skip.me"));
    }

    @Test
    void keepsValueTimeKind() {
        Sample out = naming("prefix", "p").process(new Sample("n", Tags.EMPTY, 7.0, 42L, Kind.COUNTER));
        assertEquals(new Sample("p.n", Tags.EMPTY, 7.0, 42L, Kind.COUNTER), out);
    }

    @Test
    void countsInStatus() {
        NamingProcessor p = naming("prefix", "p");
        p.process(sample("a"));
        p.process(sample("b"));
        assertEquals(2L, p.status().counters().get("renamed"));
        assertEquals("naming", p.status().name());
        NamingProcessor q = new NamingProcessor(Configs.of(NamingProcessor.Config.class),
                Map.of("service.pid", "lodestar.processor.naming~web"));
        assertEquals("naming-web", q.status().name());
    }

    @Test
    void modifiedSwapsRules() {
        NamingProcessor p = naming();
        p.modified(Configs.of(NamingProcessor.Config.class, "prefix", "new"));
        assertEquals("new.a", name(p, "a"));
    }

    @Test
    void replaceWithDotIsRejectedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> naming("replace", "."));
        assertTrue(e.getMessage().startsWith("replace: "), e.getMessage());
    }
}
