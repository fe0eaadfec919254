package lodestar.support.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.lineprotocol.LineProtocol.MeasurementFrom;

class LineProtocolTest {

    private static String line(MeasurementFrom from, Sample s) {
        Bytes b = new Bytes(16);
        new LineProtocol(from).append(s, b);
        return b.toString();
    }

    private static String line(Sample s) {
        return line(MeasurementFrom.NAME, s);
    }

    private static Sample s(String name, Tags tags, double v) {
        return Sample.of(name, tags, v, 1700000000123L, Kind.GAUGE);
    }

    @Test
    void plainLine() {
        assertEquals("system.cpu.user value=12.5 1700000000123\n", line(s("system.cpu.user", Tags.EMPTY, 12.5)));
        assertEquals("cpu,dc=par1,host=web-1 value=3 1700000000123\n",
                line(s("cpu", Tags.of("host", "web-1", "dc", "par1"), 3)));
    }

    @Test
    void measurementEscapesCommaAndSpaceOnly() {
        assertEquals("a\\,b\\ c=d\"e", LineProtocol.measurement("a,b c=d\"e"));
    }

    @Test
    void keysAndTagValuesEscapeCommaEqualsAndSpace() {
        assertEquals("a\\,b\\=c\\ d\"e", LineProtocol.key("a,b=c d\"e"));
        assertEquals("m,k\\ 1=v\\,\\=\\ x value=1 1700000000123\n", line(s("m", Tags.of("k 1", "v,= x"), 1)));
    }

    @Test
    void stringFieldEscapesQuoteAndBackslash() {
        assertEquals("\"say \\\"hi\\\" C:\\\\dir\"", LineProtocol.stringField("say \"hi\" C:\\dir"));
    }

    @Test
    void backslashesThatWouldEscapeSomethingBecomeUnderscores() {
        assertEquals("C:\\dir", LineProtocol.key("C:\\dir")); // before an ordinary character: literal in 1.x and 2.x
        assertEquals("a_", LineProtocol.key("a\\")); // at the end it would escape the delimiter
        assertEquals("a_\\,b", LineProtocol.key("a\\,b"));
        assertEquals("a_\\b", LineProtocol.key("a\\\\b")); // 1.x keeps \\ as two, 2.x reads one
        assertEquals("a_\"", LineProtocol.key("a\\\""));
    }

    @Test
    void controlCharactersAndLoneSurrogatesBecomeUnderscores() {
        assertEquals("a_b_c_d", LineProtocol.key("a\nb\rc\td"));
        assertEquals("x_y", LineProtocol.key("x\ud800y"));
        assertEquals("température_😀", LineProtocol.key("température_😀"));
    }

    @Test
    void aLeadingHashWouldMakeAComment() {
        assertEquals("_x value=1 1700000000123\n", line(s("#x", Tags.EMPTY, 1)));
        assertEquals("a,t=#v value=1 1700000000123\n", line(s("a", Tags.of("t", "#v"), 1)));
    }

    @Test
    void emptyTagValuesAreLeftOutAndTimeIsRenamed() {
        assertEquals("m,b=2 value=1 1700000000123\n", line(s("m", Tags.of("a", "", "b", "2"), 1)));
        assertEquals("m,_time=x value=1 1700000000123\n", line(s("m", Tags.of("time", "x"), 1)));
        assertEquals("a _time=1 1700000000123\n", line(MeasurementFrom.PARENT, s("a.time", Tags.EMPTY, 1)));
    }

    @Test
    void valuesAreFloatsThatReadBackExactly() {
        String[][] cases = {{"42", "42"}, {"-0.0", "-0"}, {"0", "0"}, {"0.1", "0.1"}, {"-123456.789012345", "-123456.789012345"},
                {"1.7976931348623157E308", "1.7976931348623157e308"}, {"4.9E-324", "4.9e-324"}, {"1e15", "1.0e15"},
                {"999999999999999", "999999999999999"}, {"1.0E-5", "1.0e-5"}};
        for (String[] c : cases) {
            Bytes b = new Bytes(4);
            LineProtocol.appendFloat(Double.parseDouble(c[0]), b);
            assertEquals(c[1], b.toString(), c[0]);
            assertEquals(Double.doubleToLongBits(Double.parseDouble(c[0])), Double.doubleToLongBits(Double.parseDouble(c[1])));
        }
    }

    @Test
    void nonFiniteValuesAreRefused() {
        Bytes b = new Bytes(4);
        LineProtocol p = new LineProtocol(MeasurementFrom.NAME);
        assertFalse(p.append(s("x", Tags.EMPTY, Double.NaN), b));
        assertFalse(p.append(s("x", Tags.EMPTY, Double.NEGATIVE_INFINITY), b));
        assertEquals(0, b.length());
    }

    @Test
    void measurementFrom() {
        Sample s = s("system.cpu.user", Tags.EMPTY, 1);
        assertEquals("system.cpu.user value=1 1700000000123\n", line(MeasurementFrom.NAME, s));
        assertEquals("system.cpu user=1 1700000000123\n", line(MeasurementFrom.PARENT, s));
        assertEquals("system cpu.user=1 1700000000123\n", line(MeasurementFrom.FIRST, s));
        assertEquals("uptime value=1 1700000000123\n", line(MeasurementFrom.PARENT, s("uptime", Tags.EMPTY, 1)));
        assertEquals("a. value=1 1700000000123\n", line(MeasurementFrom.FIRST, s("a.", Tags.EMPTY, 1)));
        assertEquals(MeasurementFrom.PARENT, MeasurementFrom.parse(" Parent "));
        assertEquals("measurementFrom: must be name, parent or first, got 'last'",
                assertThrows(IllegalArgumentException.class, () -> MeasurementFrom.parse("last")).getMessage());
    }
}
