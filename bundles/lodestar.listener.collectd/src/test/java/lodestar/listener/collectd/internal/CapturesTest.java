package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real collectd captures (src/test/resources, first collected for Bucky's tests) with their expected values (the
 * squares, signed and encrypted captures are two datagrams each).
 * Rates use collectd's high-resolution times, which are 2 s apart give or take a millisecond, hence the
 * relative tolerance.
 */
class CapturesTest {

    private static final String GAUGE = "collectd.machine_uuid.test-squares.gauge";
    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path dir;

    static void assertApprox(List<Double> expected, List<Double> actual) {
        assertEquals(expected.size(), actual.size(), () -> "count: expected " + expected + " got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            assertTrue(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)), "value " + i + ": expected " + e + " got " + a);
        }
    }

    static List<Double> squares() {
        return java.util.stream.IntStream.range(0, 10).mapToObj(i -> (double) i * i).toList();
    }

    Settings secured(Settings.Level level, String authLine) throws Exception {
        if (authLine == null) {
            return SettingsTest.of("securityLevel", level.name());
        }
        Path f = dir.resolve("auth");
        Files.writeString(f, "# collectd users\n" + authLine + "\n");
        return SettingsTest.of("securityLevel", level.name(), "authFile", f.toString());
    }

    @Test
    void squaresInAllFourKinds() throws Exception {
        Harness h = new Harness().feed(Harness.capture("collectd-squares.pkts"));
        assertEquals(squares(), h.values(GAUGE));
        List<Double> rates = java.util.stream.IntStream.range(0, 9).mapToObj(i -> (2.0 * i + 1) / 2).toList();
        assertApprox(rates, h.values("collectd.machine_uuid.test-squares.derive"));
        assertApprox(rates, h.values("collectd.machine_uuid.test-squares.counter"));
        assertApprox(java.util.stream.IntStream.range(0, 9).mapToObj(i -> (i + 1.0) * (i + 1) / 2).toList(),
                h.values("collectd.machine_uuid.test-squares.absolute"));
        assertEquals(0, h.stat(Stat.BAD_INPUT));
        assertEquals(40, h.stat(Stat.VALUES));
    }

    @Test
    void boundsDropOutOfRangeValues() throws Exception {
        Harness h = new Harness(SettingsTest.of(), TypesDb.load(List.of()).with(Harness.TEST_TYPES).with("gauge value:GAUGE:5:50"));
        h.feed(Harness.capture("collectd-squares.pkts"));
        assertEquals(List.of(9.0, 16.0, 25.0, 36.0, 49.0), h.values(GAUGE));
        assertEquals(5, h.stat(Stat.OUT_OF_RANGE));
    }

    @Test
    void signedWithTheRightCredentials() throws Exception {
        for (Settings.Level level : new Settings.Level[] {Settings.Level.NONE, Settings.Level.SIGN}) {
            Harness h = new Harness(secured(level, "alice: 12345678")).feed(Harness.capture("collectd-squares-signed.pkts"));
            assertEquals(squares(), h.values(GAUGE), "level " + level);
            assertEquals(0, h.stat(Stat.REJECTED));
        }
    }

    @Test
    void signedWithoutAuthFileIsAcceptedUnverifiedAtLevelNone() throws Exception {
        Harness h = new Harness().feed(Harness.capture("collectd-squares-signed.pkts"));
        assertEquals(squares(), h.values(GAUGE));
    }

    @Test
    void signedWithAWrongPasswordOrUnknownUserIsRejected() throws Exception {
        Harness wrong = new Harness(secured(Settings.Level.SIGN, "alice: 87654321")).feed(Harness.capture("collectd-squares-signed.pkts"));
        assertEquals(0, wrong.samples.size());
        assertEquals(2, wrong.stat(Stat.REJECTED_BAD_SIGNATURE));
        Harness unknown = new Harness(secured(Settings.Level.SIGN, "bob: 12345678")).feed(Harness.capture("collectd-squares-signed.pkts"));
        assertEquals(0, unknown.samples.size());
        assertEquals(2, unknown.stat(Stat.REJECTED_UNKNOWN_USER));
        Harness none = new Harness(secured(Settings.Level.NONE, "alice: wrong")).feed(Harness.capture("collectd-squares-signed.pkts"));
        assertEquals(0, none.samples.size(), "a configured auth file verifies signatures at level none too");
    }

    @Test
    void signedIsRejectedAtLevelEncrypt() throws Exception {
        Harness h = new Harness(secured(Settings.Level.ENCRYPT, "alice: 12345678")).feed(Harness.capture("collectd-squares-signed.pkts"));
        assertEquals(0, h.samples.size());
        assertEquals(2, h.stat(Stat.REJECTED_UNENCRYPTED));
    }

    @Test
    void encryptedWithTheRightCredentialsAtEveryLevel() throws Exception {
        for (Settings.Level level : Settings.Level.values()) {
            Harness h = new Harness(secured(level, "alice: 12345678")).feed(Harness.capture("collectd-squares-encrypted.pkts"));
            assertEquals(squares(), h.values(GAUGE), "level " + level);
            assertEquals(0, h.stat(Stat.REJECTED));
        }
    }

    @Test
    void encryptedWithWrongCredentialsIsRejected() throws Exception {
        Harness wrong = new Harness(secured(Settings.Level.ENCRYPT, "alice: 1234567")).feed(Harness.capture("collectd-squares-encrypted.pkts"));
        assertEquals(0, wrong.samples.size());
        assertEquals(2, wrong.stat(Stat.REJECTED_BAD_CHECKSUM));
        Harness unknown = new Harness(secured(Settings.Level.ENCRYPT, "carol: 12345678")).feed(Harness.capture("collectd-squares-encrypted.pkts"));
        assertEquals(2, unknown.stat(Stat.REJECTED_UNKNOWN_USER));
        Harness noAuth = new Harness().feed(Harness.capture("collectd-squares-encrypted.pkts"));
        assertEquals(0, noAuth.samples.size());
        assertEquals(2, noAuth.stat(Stat.REJECTED_NO_AUTH_FILE));
    }

    @Test
    void plainPacketsAreRejectedAtSignAndEncrypt() throws Exception {
        Harness sign = new Harness(secured(Settings.Level.SIGN, "alice: 12345678")).feed(Harness.capture("collectd-squares.pkts"));
        assertEquals(0, sign.samples.size());
        assertEquals(2, sign.stat(Stat.REJECTED_UNSIGNED));
        Harness enc = new Harness(secured(Settings.Level.ENCRYPT, "alice: 12345678")).feed(Harness.capture("collectd-squares.pkts"));
        assertEquals(0, enc.samples.size());
        assertEquals(2, enc.stat(Stat.REJECTED_UNENCRYPTED));
        assertEquals(2, enc.stat(Stat.REJECTED));
    }

    @Test
    void counterWrapsAt32And64Bits() throws Exception {
        Harness h = new Harness().feed(Harness.capture("collectd-counter-wraps.pkts"));
        List<Double> expected = java.util.Collections.nCopies(9, 512.0);
        assertApprox(expected, h.values("collectd.machine_uuid.test-counter-wraps.counters.a"));
        assertApprox(expected, h.values("collectd.machine_uuid.test-counter-wraps.counters.b"));
        assertEquals(0, h.stat(Stat.BAD_INPUT));
    }

    @Test
    void counterAndDeriveParse() throws Exception {
        for (String f : new String[] {"collectd-counter.pkts", "collectd-derive.pkts"}) {
            Harness h = new Harness().feed(Harness.capture(f));
            assertEquals(0, h.stat(Stat.BAD_INPUT), f);
            assertTrue(h.samples.size() > 20, f);
            h.samples.forEach(s -> assertEquals(1.0, s.value(), 0.01, f + ": " + s));
        }
    }

    @Test
    void wireKindDisagreeingWithTypesDbIsAProtocolError() throws Exception {
        for (String f : new String[] {"collectd-false-counter.pkts", "collectd-false-derive.pkts"}) {
            Harness h = new Harness().feed(Harness.capture(f));
            assertEquals(0, h.samples.size(), f);
            assertTrue(h.stat(Stat.KIND_MISMATCH) > 0, f);
            assertEquals(h.stat(Stat.KIND_MISMATCH), h.stat(Stat.BAD_INPUT), f);
        }
    }

    @Test
    void counterEqDeriveAcceptsTheFalseKinds() throws Exception {
        Settings s = SettingsTest.of("counterEqDerive", true);
        Harness h = new Harness(s).feed(Harness.capture("collectd-false-counter.pkts"));
        assertEquals(0, h.stat(Stat.BAD_INPUT));
        assertTrue(h.samples.size() > 0);
    }

    @Test
    void aRealCollectdsDefaultPlugins() throws Exception {
        List<byte[]> packets = Harness.capture("collectd.pkts");
        assertEquals(25, packets.size());
        Harness h = new Harness();
        for (byte[] p : packets) {
            int before = h.samples.size();
            long valuesBefore = h.stat(Stat.VALUES);
            h.feed(p);
            assertTrue(h.stat(Stat.VALUES) > valuesBefore, "a packet without values");
            assertTrue(h.samples.size() > before || valuesBefore == 0, "a packet without samples");
        }
        assertEquals(0, h.stat(Stat.BAD_INPUT));
        assertEquals(0, h.stat(Stat.UNKNOWN_PARTS));
        assertTrue(h.values("collectd.toroid_local.memory.free").size() >= 3);
        assertTrue(h.values("collectd.toroid_local.interface.en0.if_octets.rx").stream().allMatch(v -> v >= 0));
        assertTrue(h.values("collectd.toroid_local.df.root.df_complex.used").get(0) > 1e9);
    }
}
