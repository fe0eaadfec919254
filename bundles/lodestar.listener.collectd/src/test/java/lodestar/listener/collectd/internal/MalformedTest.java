package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Broken packets: each is a counted protocol error; values before the error in the packet are kept. */
class MalformedTest {

    private static final String A = "collectd.h.test.gauge-a";

    /** A good gauge value 1.0 for type instance a, then whatever the test appends. */
    static Packets good() {
        return new Packets().id("h", "test", "", "gauge", "a").time(1000).gauge(1.0);
    }

    static Harness feed(byte[] packet) {
        return new Harness().feed(packet);
    }

    static void assertKeptThenError(Harness h, Stat reason) {
        assertEquals(List.of(1.0), h.values(A), "the good value before the error is kept");
        assertEquals(1, h.stat(Stat.BAD_INPUT));
        assertEquals(1, h.stat(reason));
    }

    @Test
    void truncatedPartHeader() {
        assertKeptThenError(feed(good().bytes(0, 6, 0).build()), Stat.MALFORMED);
    }

    @Test
    void partLongerThanThePacket() {
        byte[] p = good().string(Decoder.TYPE_INSTANCE, "b").gauge(2.0).build();
        assertKeptThenError(feed(Arrays.copyOf(p, p.length - 3)), Stat.MALFORMED);
    }

    @Test
    void partLengthBelowTheHeader() {
        assertKeptThenError(feed(good().header(Decoder.HOST, 2).bytes(0, 0, 0, 0).build()), Stat.MALFORMED);
    }

    @Test
    void stringWithoutNul() {
        assertKeptThenError(feed(good().header(Decoder.TYPE_INSTANCE, 6).bytes('x', 'y').gauge(3.0).build()), Stat.MALFORMED);
    }

    @Test
    void numberPartOfTheWrongLength() {
        assertKeptThenError(feed(good().header(Decoder.TIME, 8).bytes(0, 0, 0, 1).gauge(3.0).build()), Stat.MALFORMED);
    }

    @Test
    void valuesLengthDisagreesWithCount() {
        // claims 2 values but carries the bytes of one
        assertKeptThenError(feed(good().header(Decoder.VALUES, 15).bytes(0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0).build()), Stat.MALFORMED);
    }

    @Test
    void unknownValueType() {
        assertKeptThenError(feed(good().string(Decoder.TYPE_INSTANCE, "b").values(new int[] {7}, 5).build()), Stat.MALFORMED);
    }

    @Test
    void valueCountDisagreesWithTypesDb() {
        Harness h = feed(good().string(Decoder.TYPE_INSTANCE, "b")
                .values(new int[] {Packets.GAUGE, Packets.GAUGE}, 1, 2)
                .string(Decoder.TYPE_INSTANCE, "c").gauge(4.0).build());
        assertEquals(List.of(1.0), h.values(A));
        assertEquals(List.of(4.0), h.values("collectd.h.test.gauge-c"), "a well-framed part after a types.db mismatch is still read");
        assertEquals(1, h.stat(Stat.VALUE_COUNT));
        assertEquals(1, h.stat(Stat.BAD_INPUT));
    }

    @Test
    void wireKindDisagreesWithTypesDb() {
        Harness h = feed(good().string(Decoder.TYPE_INSTANCE, "b").raw(Packets.DERIVE, 5).build());
        assertKeptThenError(h, Stat.KIND_MISMATCH);
    }

    @Test
    void typeNotInTypesDb() {
        Harness h = feed(good().string(Decoder.TYPE, "no_such_type").gauge(5).build());
        assertKeptThenError(h, Stat.UNKNOWN_TYPE);
    }

    @Test
    void emptyAndTinyPackets() {
        Harness h = new Harness().feed(new byte[0]).feed(new byte[] {0, 1});
        assertEquals(0, h.samples.size());
        assertEquals(1, h.stat(Stat.MALFORMED));
    }

    @Test
    void unknownPartTypesAreSkippedLikeCollectdDoes() {
        Harness h = feed(good().header(0x7777, 6).bytes(1, 2).string(Decoder.TYPE_INSTANCE, "b").gauge(2.0).build());
        assertEquals(List.of(2.0), h.values("collectd.h.test.gauge-b"));
        assertEquals(1, h.stat(Stat.UNKNOWN_PARTS));
        assertEquals(0, h.stat(Stat.BAD_INPUT));
    }

    @Test
    void notificationsAreCounted() {
        Harness h = feed(good().number(Decoder.SEVERITY, 2).string(Decoder.MESSAGE, "disk almost full").build());
        assertEquals(1, h.stat(Stat.NOTIFICATIONS));
        assertEquals(List.of(1.0), h.values(A));
    }

    @Test
    void garbageNeverThrows() {
        java.util.Random r = new java.util.Random(42);
        Harness h = new Harness();
        byte[] base = good().string(Decoder.TYPE, "if_octets").values(new int[] {Packets.DERIVE, Packets.DERIVE}, 1, 2).build();
        for (int i = 0; i < 20_000; i++) {
            byte[] p = base.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                p[r.nextInt(p.length)] = (byte) r.nextInt(256);
            }
            h.feed(Arrays.copyOf(p, r.nextInt(p.length + 1)));
        }
        assertEquals(20_000, h.stat(Stat.PACKETS));
    }

    @Test
    void signedPacketWithATamperedPayloadIsRejected() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("auth", "");
        try {
            java.nio.file.Files.writeString(f, "u: p\n");
            Settings s = SettingsTest.of("securityLevel", "sign", "authFile", f.toString());
            byte[] p = Packets.sign(good().build(), "u", "p");
            p[p.length - 1] ^= 1;
            Harness h = new Harness(s).feed(p);
            assertEquals(0, h.samples.size());
            assertEquals(1, h.stat(Stat.REJECTED_BAD_SIGNATURE));
            byte[] e = Packets.encrypt(good().build(), "u", "p");
            e[e.length - 1] ^= 1;
            h.feed(e);
            assertEquals(1, h.stat(Stat.REJECTED_BAD_CHECKSUM));
            h.feed(Packets.encrypt(good().build(), "u", "p")).feed(Packets.sign(good().build(), "u", "p"));
            assertEquals(2, h.values(A).size());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
