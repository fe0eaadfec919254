package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lodestar.api.Sample;
import lodestar.api.Tags;

class PickleReaderTest {

    private static final long NOW = 1_800_000_000_000L;

    private static List<Sample> samples(byte[] pickle, List<String> bad) throws Exception {
        List<Sample> out = new ArrayList<>();
        PickleMetrics.samples(PickleReader.read(pickle, 0, pickle.length), NOW, out::add, e -> bad.add(e.getMessage()));
        return out;
    }

    private static List<Sample> samples(byte[] pickle) throws Exception {
        List<String> bad = new ArrayList<>();
        List<Sample> out = samples(pickle, bad);
        assertEquals(List.of(), bad);
        return out;
    }

    private static final String METRICS = "[('a.b.c', (1700000000, 1.5)), (u'x.y;dc=eu;env=prod', (1700000001.25, -7)),"
            + " ('big', (1700000002, 12345678901234567890)), ('neg', (1700000003, -2**40)), ('s', ('1700000004', '2.5')),"
            + " ('now', (-1, 3)), ('f', (1700000005.0, 1e300)), ('uni.\u00e9\u4e2d', (1700000006, True))]";

    private static void assertMetrics(List<Sample> s) {
        assertEquals(8, s.size(), s.toString());
        assertEquals("a.b.c", s.get(0).name());
        assertEquals(1.5, s.get(0).value());
        assertEquals(1_700_000_000_000L, s.get(0).timestamp());
        assertEquals("x.y", s.get(1).name());
        assertEquals(Tags.of("dc", "eu", "env", "prod"), s.get(1).tags());
        assertEquals(-7.0, s.get(1).value());
        assertEquals(1_700_000_001_250L, s.get(1).timestamp());
        assertEquals(12345678901234567890d, s.get(2).value());
        assertEquals(-Math.pow(2, 40), s.get(3).value());
        assertEquals(2.5, s.get(4).value());
        assertEquals(1_700_000_004_000L, s.get(4).timestamp());
        assertEquals(NOW, s.get(5).timestamp(), "-1 is now, as in Carbon");
        assertEquals(1e300, s.get(6).value());
        assertEquals("uni.\u00e9\u4e2d", s.get(7).name());
        assertEquals(1.0, s.get(7).value());
    }

    @ParameterizedTest(name = "python3 protocol {0}")
    @ValueSource(strings = {"0", "1", "2", "3", "4", "None"})
    void readsWhatPython3Writes(String protocol) throws Exception {
        assertMetrics(samples(Python.pickle(METRICS, protocol)));
    }

    @Test
    void manyEntriesUseFourByteMemoIndexes() throws Exception {
        List<Sample> s = samples(Python.pickle("[('m%d' % i, (1700000000 + i, i)) for i in range(2000)]", "2"));
        assertEquals(2000, s.size());
        assertEquals("m1999", s.get(1999).name());
        assertEquals(1999.0, s.get(1999).value());
    }

    @Test
    void sharedObjectsGoThroughTheMemo() throws Exception {
        // the same tuple object twice: pickled once, then fetched from the memo
        byte[] p = Python.pickle("(lambda t: [('a', t), ('b', t)])((1700000000, 4.0))", "2");
        List<Sample> s = samples(p);
        assertEquals(2, s.size());
        assertEquals(4.0, s.get(1).value());
    }

    @Test
    void readsPython2ProtocolZeroStrings() throws Exception {
        // what Python 2's pickle.dumps([('a.b', (1700000000, 1.5))]) writes: STRING and INT opcodes
        byte[] p = "(lp0\n(S'a.b'\np1\n(I1700000000\nF1.5\ntp2\ntp3\na(S'c\\'d\\x41'\nI1700000001\nL42L\ntp4\na."
                .getBytes(StandardCharsets.ISO_8859_1);
        List<String> bad = new ArrayList<>();
        List<Sample> s = samples(p, bad);
        assertEquals("a.b", s.get(0).name());
        assertEquals(1.5, s.get(0).value());
        // the second entry is ("c'dA", 1700000001, 42): not a (path, (t, v)) pair, so it is skipped and counted
        assertEquals(1, s.size());
        assertEquals(1, bad.size());
    }

    @Test
    void readsPython2ProtocolTwoBinstrings() throws Exception {
        // Python 2: pickle.dumps([('a.b', (1700000000, 1.5))], 2), str as SHORT_BINSTRING
        byte[] p = bytes(0x80, 2, ']', 'q', 0, 'U', 3, 'a', '.', 'b', 'q', 1, 'J', 0x00, 0xf1, 0x53, 0x65,
                'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x86, 'q', 2, 0x86, 'q', 3, 'a', '.');
        List<Sample> s = samples(p);
        assertEquals(List.of(new Sample("a.b", Tags.EMPTY, 1.5, 1_700_000_000_000L, lodestar.api.Kind.GAUGE)), s);
    }

    @Test
    void badEntriesAreSkippedAndTheRestKept() throws Exception {
        byte[] p = Python.pickle("[('ok', (1700000000, 1)), ('nan', (1700000000, float('nan'))), (1, (1, 1)),"
                + " ('short', (1,)), ('none', (None, 1)), ('bad;tag', (1700000000, 1)), ('ok2', [1700000000, 2])]", "2");
        List<String> bad = new ArrayList<>();
        List<Sample> s = samples(p, bad);
        assertEquals(List.of("ok", "ok2"), s.stream().map(Sample::name).toList());
        assertEquals(5, bad.size(), bad.toString());
    }

    /** os.system through __reduce__: GLOBAL (protocol 0-3) or STACK_GLOBAL (4+) and REDUCE. */
    @ParameterizedTest(name = "os.system protocol {0}")
    @ValueSource(strings = {"0", "2", "4", "5"})
    void neverRunsCode(String protocol) throws Exception {
        byte[] p = Python.run("import pickle, sys, os\n"
                + "class Evil:\n"
                + "    def __reduce__(self):\n"
                + "        return (os.system, ('touch /tmp/lodestar-pwned',))\n"
                + "out = pickle.dumps([('a', (1, Evil()))], protocol=" + protocol + ")");
        PickleReader.Rejected e = assertThrows(PickleReader.Rejected.class, () -> PickleReader.read(p, 0, p.length));
        assertTrue(e.getMessage().contains("GLOBAL"), e.getMessage());
    }

    @Test
    void rejectsObjectOpcodes() {
        // REDUCE, BUILD, INST, OBJ, NEWOBJ, dict
        for (byte[] p : List.of(bytes('N', 'N', 'R', '.'), bytes(']', 'N', 'b', '.'), bytes('(', 'i', 'o', 's', '\n', 'x', '\n', '.'),
                bytes('(', 'N', 'o', '.'), bytes('N', ')', 0x81, '.'), bytes('}', '.'), bytes('(', 'd', '.'))) {
            assertThrows(PickleReader.Rejected.class, () -> PickleReader.read(p, 0, p.length));
        }
    }

    @Test
    void malformedPicklesAreBadInput() {
        for (byte[] p : List.of(bytes(), bytes(']'), bytes('X', 0xff, 0xff, 0xff, 0x7f, 'a'), bytes('a', '.'),
                bytes(')', 'a', '.'), bytes('t', '.'), bytes('h', 5, '.'), bytes('N', 'N', '.'), bytes('Z'),
                bytes(0x80, 9, 'N', '.'), bytes('U', 2, 0xc3, 0x28, '.'), bytes('I', '1', 'x', '\n', '.'),
                bytes(0x8b, 0xff, 0xff, 0xff, 0xff, '.'))) {
            assertThrows(BadInput.class, () -> PickleReader.read(p, 0, p.length), java.util.Arrays.toString(p));
        }
    }

    @Test
    void notAListIsBadInput() throws Exception {
        byte[] p = Python.pickle("('a', (1, 2))", "2");
        Object o = PickleReader.read(p, 0, p.length);
        assertThrows(BadInput.class, () -> PickleMetrics.samples(o, NOW, s -> { }, b -> { }));
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
