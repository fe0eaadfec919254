package lodestar.support.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static String str(String s) {
        return Json.string(new StringBuilder(), s).toString();
    }

    private static String num(double v) {
        return Json.number(new StringBuilder(), v).toString();
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001\\u2028é€😀\"", str("a\"b\\c\n\t\u0001\u2028é€😀"));
        assertEquals("\"x\uFFFDy\"", str("x\uD800y"), "a lone surrogate cannot be UTF-8");
        for (String s : List.of("", "plain", "quote\" back\\ slash/ nl\n cr\r ctl\u001f", "température.café", "日本 😀")) {
            assertEquals(s, Json.parse(str(s)));
        }
    }

    @Test
    void numbersAreExactAndShort() {
        assertEquals("42", num(42));
        assertEquals("-7", num(-7.0));
        assertEquals("-0.0", num(-0.0));
        assertEquals("0.1", num(0.1));
        assertEquals("1.0E20", num(1e20));
        assertEquals("9007199254740992", num(9007199254740993.0));
        for (double v : new double[] {1.7976931348623157e308, 4.9e-324, -123456.789012345, 0.1 + 0.2, 1e-5, 12.5, -0.0, 1e300}) {
            Object back = Json.parse(num(v));
            assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(((Number) back).doubleValue()), num(v));
        }
        assertThrows(IllegalArgumentException.class, () -> num(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> num(Double.NEGATIVE_INFINITY));
    }

    @Test
    void parsesObjectsArraysAndLiterals() {
        Map<String, Object> m = Json.object(Json.parse(" {\"success\":2,\"failed\":1,\"errors\":[{\"datapoint\":{\"v\":1.5},"
                + "\"error\":\"bad\"}],\"ok\":true,\"no\":false,\"nil\":null,\"big\":12345678901234567890} "));
        assertEquals(2L, m.get("success"));
        assertEquals("bad", Json.object(Json.array(m.get("errors")).get(0)).get("error"));
        assertEquals(1.5, Json.object(Json.object(Json.array(m.get("errors")).get(0)).get("datapoint")).get("v"));
        assertEquals(Boolean.TRUE, m.get("ok"));
        assertEquals(Boolean.FALSE, m.get("no"));
        assertTrue(m.containsKey("nil") && m.get("nil") == null);
        assertEquals(1.2345678901234567e19, m.get("big"));
        assertEquals(List.of(), Json.parse("[]"));
        assertEquals(new LinkedHashMap<>(), Json.parse("{}"));
        assertEquals(Arrays.asList(1L, -2L, 3.0e2, "\u00e9"), Json.parse("[1,-2,3e2,\"\\u00e9\"]"));
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "NaN", "Infinity", "-", "1e", "'x'",
                "{a:1}", "[1 2]", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "true false", "nul", "{\"a\" 1}", "\"open")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.object(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Json.array(Map.of()));
    }
}
