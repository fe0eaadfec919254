package lodestar.beacon.script.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.api.Tags;

/** PuyPuy, Graphite plaintext and InfluxDB line protocol, line by line. */
class ParsersTest {

    private final PuyPuyParser puypuy = new PuyPuyParser();
    private final GraphiteParser graphite = new GraphiteParser();
    private final InfluxParser influx = new InfluxParser();

    private static Metric m(String name, Tags tags, double v, long ts, boolean rate) {
        return new Metric(name, tags, v, ts, rate);
    }

    private static void bad(LineParser p, String line, String why) {
        BadLineException e = assertThrows(BadLineException.class, () -> p.parse(line), line);
        assertTrue(e.getMessage().contains(why), line + ": " + e.getMessage());
    }

    /* ------------------------------------------------------------------ PuyPuy */

    @Test
    void puypuyStackAndRate() throws Exception {
        assertEquals(List.of(m("mysql.connections", Tags.of("check_type", "mysql"), 12, Metric.NOW, false)),
                puypuy.parse("mysql.connections 12 mysql stack"));
        assertEquals(List.of(m("nginx.requests", Tags.of("check_type", "nginx"), 123456.5, Metric.NOW, true)),
                puypuy.parse("  nginx.requests\t123456.5  nginx   RATE "));
    }

    @Test
    void puypuyBadLines() {
        bad(puypuy, "a 1 t", "expected 'name value check_type check_style', got 3 fields");
        bad(puypuy, "a 1 t stack extra", "got 5 fields");
        bad(puypuy, "a x t stack", "value 'x' is not a number");
        bad(puypuy, "a NaN t stack", "not a number");
        bad(puypuy, "a 1 t gauge", "check_style 'gauge' is neither stack nor rate");
        bad(puypuy, "a..b 1 t stack", "bad metric name");
    }

    /* ------------------------------------------------------------------ Graphite */

    @Test
    void graphitePlain() throws Exception {
        assertEquals(List.of(m("servers.a.load", Tags.EMPTY, 0.5, Metric.NOW, false)), graphite.parse("servers.a.load 0.5"));
        assertEquals(List.of(m("x", Tags.EMPTY, -3e2, 1_700_000_000_000L, false)), graphite.parse("x -3e2 1700000000"));
        assertEquals(1_700_000_000_250L, graphite.parse("x 1 1700000000.25").get(0).timestamp());
    }

    @Test
    void graphiteTagged() throws Exception {
        assertEquals(List.of(m("disk.used", Tags.of("mount", "/", "host", "a"), 7, Metric.NOW, false)),
                graphite.parse("disk.used;mount=/;host=a 7"));
    }

    @Test
    void graphiteBadLines() {
        bad(graphite, "only.a.name", "got 1 fields");
        bad(graphite, "a 1 2 3", "got 4 fields");
        bad(graphite, "a one", "value 'one' is not a number");
        bad(graphite, "a 1 yesterday", "timestamp 'yesterday' is not a number");
        bad(graphite, "a 1 -5", "is not seconds since the epoch");
        bad(graphite, ".a 1", "bad metric name");
        bad(graphite, "a;k 1", "tag 'k' is not key=value");
        bad(graphite, "a;=v 1", "is not key=value");
        bad(graphite, "a 0x10", "not a number");
    }

    /* ------------------------------------------------------------------ InfluxDB line protocol */

    @Test
    void influxFieldsAndTags() throws Exception {
        Tags t = Tags.of("host", "a", "region", "eu");
        assertEquals(List.of(m("cpu.usage", t, 1.5, Metric.NOW, false), m("cpu.n", t, 2, Metric.NOW, false),
                m("cpu.big", t, 18446744073709551615.0, Metric.NOW, false), m("cpu.ok", t, 1, Metric.NOW, false),
                m("cpu.down", t, 0, Metric.NOW, false)),
                influx.parse("cpu,host=a,region=eu usage=1.5,n=2i,big=18446744073709551615u,ok=t,down=FALSE"));
    }

    @Test
    void influxTimestampInNanoseconds() throws Exception {
        assertEquals(List.of(m("mem.used", Tags.EMPTY, 3, 1_465_839_830_100L, false)),
                influx.parse("mem used=3 1465839830100400200"));
        assertEquals(-1L, influx.parse("mem used=3 -1000000").get(0).timestamp());
    }

    @Test
    void influxStringFieldsAreSkipped() throws Exception {
        assertEquals(List.of(m("log.n", Tags.EMPTY, 4, Metric.NOW, false)),
                influx.parse("log msg=\"a \\\"quoted\\\", = text\",n=4i"));
        assertEquals(List.of(), influx.parse("log msg=\"only text\""));
    }

    @Test
    void influxEscaping() throws Exception {
        // measurement: comma and space; tag keys/values and field keys: comma, equals, space
        List<Metric> l = influx.parse("my\\ meas\\,ure,tag\\ key=va\\=l\\,ue\\ x fi\\=eld\\ 1=1");
        assertEquals(List.of(m("my meas,ure.fi=eld 1", Tags.of("tag key", "va=l,ue x"), 1, Metric.NOW, false)), l);
        // a backslash before anything else is literal
        assertEquals("a\\b.f", influx.parse("a\\b f=1").get(0).name());
        // an equals sign in a measurement needs no escape
        assertEquals("a=b.f", influx.parse("a=b f=1").get(0).name());
    }

    @Test
    void influxBadLines() {
        bad(influx, "cpu", "missing field set");
        bad(influx, "cpu,host=a", "missing field set");
        bad(influx, ",host=a v=1", "missing measurement");
        bad(influx, "cpu,host v=1", "tag 'host' has no '='");
        bad(influx, "cpu,host= v=1", "empty tag key or value");
        bad(influx, "cpu v", "field 'v' has no '='");
        bad(influx, "cpu v=", "not a number");
        bad(influx, "cpu v=abc", "not a number");
        bad(influx, "cpu v=1.5i", "is not an integer");
        bad(influx, "cpu v=-1u", "is not an unsigned integer");
        bad(influx, "cpu v=\"open", "unterminated string field");
        bad(influx, "cpu v=1 12.5", "timestamp '12.5' is not an integer");
        bad(influx, "cpu v=1 123 456", "unexpected text after the timestamp");
        bad(influx, "cpu =1", "empty field key");
    }

    /* ------------------------------------------------------------------ format choice */

    @Test
    void headerLines() {
        assertEquals(Format.INFLUX, Format.header("# format: influx"));
        assertEquals(Format.PUYPUY, Format.header("#format:PuyPuy "));
        assertEquals(Format.GRAPHITE, Format.header("  #  FORMAT :  graphite"));
        assertEquals(Format.AUTO, Format.header("# format: json"));
        assertEquals(null, Format.header("# a comment"));
    }

    @Test
    void guessPerLine() {
        assertEquals(Format.INFLUX, Format.guess("cpu,host=a usage=1"));
        assertEquals(Format.INFLUX, Format.guess("cpu usage=1 1465839830100400200"));
        assertEquals(Format.INFLUX, Format.guess("cpu,host=my\\ server usage=1"));
        assertEquals(Format.PUYPUY, Format.guess("a.b 1 check stack"));
        assertEquals(Format.GRAPHITE, Format.guess("a.b 1"));
        assertEquals(Format.GRAPHITE, Format.guess("a.b;k=v 1 1700000000"));
        assertEquals(null, Format.guess("hello"));
        assertEquals(null, Format.guess("this is some garbage text"));
    }

    @Test
    void configuredFormat() {
        assertEquals(Format.AUTO, Format.of(" Auto "));
        assertEquals(Format.INFLUX, Format.of("influx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Format.of("json"));
        assertTrue(e.getMessage().startsWith("format:"), e.getMessage());
    }
}
