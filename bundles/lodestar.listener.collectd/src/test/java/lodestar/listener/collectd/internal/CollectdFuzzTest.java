package lodestar.listener.collectd.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.api.Sample;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the collectd listener's decoding (fuzz/README.md): plain packets, the parts behind a
 * valid signature or encryption (the target signs or encrypts what the fuzzer makes, with the test user's password,
 * so that the fuzzer reaches the parser there), and raw packets at the strictest level, where the fuzzer works on
 * the signature and encryption parts' own length fields. Seeds: {@code CollectdFuzzTestInputs/}, from the captures.
 */
class CollectdFuzzTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "12345678";
    private static final TypesDb TYPES = TypesDb.load(List.of()).with(Harness.TEST_TYPES);
    private static final Settings PLAIN = SettingsTest.of();
    private static final Settings SIGN = SettingsTest.of("securityLevel", "SIGN", "authFile", authFile());
    private static final Settings ENCRYPT = SettingsTest.of("securityLevel", "ENCRYPT", "authFile", authFile());

    /**
     * A decoder's buffers are made before the check; what a packet may cost: strings and series of its identity
     * parts, samples of its values (a values part of 15 bytes makes a sample of a few hundred), a log line
     */
    private static final AllocationBound ALLOC = new AllocationBound("collectd decoder", 256 * 1024, 200);

    /** A good gauge no fuzzed packet before it can hide: host and plugin of its own, sent now. */
    private static byte[] canary() {
        return new Packets().timeHr(System.currentTimeMillis() / 1000.0).interval(10)
                .id("fuzz-canary-q7", "canary", "", "gauge", "").gauge(42).build();
    }

    private static final String CANARY_NAME = canaryName();

    private static String canaryName() {
        Harness h = new Harness(PLAIN, TYPES).feed(canary());
        if (h.samples.size() != 1) {
            throw new IllegalStateException("the canary packet made " + h.samples);
        }
        return h.samples.get(0).name();
    }

    private static String authFile() {
        try {
            Path f = Files.createTempFile("collectd-fuzz-auth", ".txt");
            f.toFile().deleteOnExit();
            Files.writeString(f, USER + ": " + PASSWORD + "\n");
            return f.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Any packet at securityLevel none. */
    @FuzzTest(maxDuration = "20s")
    void plain(byte[] packet) {
        check(PLAIN, packet, canary());
    }

    /** A valid signature over whatever parts the fuzzer makes. */
    @FuzzTest(maxDuration = "20s")
    void signed(byte[] payload) throws Exception {
        check(SIGN, Packets.sign(payload, USER, PASSWORD), Packets.sign(canary(), USER, PASSWORD));
    }

    /** Valid encryption of whatever parts the fuzzer makes (a fixed IV: an input decodes the same every time). */
    @FuzzTest(maxDuration = "20s")
    void encrypted(byte[] payload) throws Exception {
        check(ENCRYPT, encrypt(payload), encrypt(canary()));
    }

    /** Raw packets where only encrypted ones are taken: the signature and encryption parts as the fuzzer makes them. */
    @FuzzTest(maxDuration = "20s")
    void securedRaw(byte[] packet) throws Exception {
        check(ENCRYPT, packet, encrypt(canary()));
    }

    /**
     * The properties every packet keeps: decoding never throws; the packet is counted; a packet stops at its first
     * protocol error or refusal, so at most one is counted per packet; every bad input and every refusal is counted
     * under its reason too; memory is bounded by the packet's size; and a good packet after it still comes out.
     */
    private static void check(Settings s, byte[] packet, byte[] canary) {
        Harness h = ALLOC.check(packet.length, () -> new Harness(s, TYPES), x -> x.feed(packet));
        Rejections.counted("packets", 0, h.stat(Stat.PACKETS), 1);
        long stops = h.stat(Stat.MALFORMED) + h.stat(Stat.REJECTED);
        Rejections.check(stops <= 1, "one packet counted " + stops + " protocol errors and refusals");
        Rejections.counted("bad_input (the sum of its reasons)", 0, h.stat(Stat.BAD_INPUT),
                h.stat(Stat.MALFORMED) + h.stat(Stat.UNKNOWN_TYPE) + h.stat(Stat.VALUE_COUNT) + h.stat(Stat.KIND_MISMATCH));
        Rejections.counted("rejected (the sum of its reasons)", 0, h.stat(Stat.REJECTED),
                h.stat(Stat.REJECTED_UNSIGNED) + h.stat(Stat.REJECTED_UNENCRYPTED) + h.stat(Stat.REJECTED_UNKNOWN_USER)
                        + h.stat(Stat.REJECTED_BAD_SIGNATURE) + h.stat(Stat.REJECTED_BAD_CHECKSUM) + h.stat(Stat.REJECTED_NO_AUTH_FILE));
        long before = h.samples.stream().filter(x -> x.name().equals(CANARY_NAME)).count();
        h.feed(canary);
        List<Sample> after = h.samples.stream().filter(x -> x.name().equals(CANARY_NAME)).toList();
        Rejections.check(after.size() == before + 1 && after.get(after.size() - 1).value() == 42,
                "the good packet after it came out as " + after);
    }

    /** collectd's encryption (as {@link Packets#encrypt}) with a fixed IV. */
    static byte[] encrypt(byte[] payload) throws Exception {
        byte[] u = USER.getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[16];
        byte[] sum = MessageDigest.getInstance("SHA-1").digest(payload);
        byte[] plain = new byte[20 + payload.length];
        System.arraycopy(sum, 0, plain, 0, 20);
        System.arraycopy(payload, 0, plain, 20, payload.length);
        Cipher c = Cipher.getInstance("AES/OFB/NoPadding");
        byte[] key = MessageDigest.getInstance("SHA-256").digest(PASSWORD.getBytes(StandardCharsets.UTF_8));
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] enc = c.doFinal(plain);
        int len = 4 + 2 + u.length + 16 + enc.length;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putShort((short) Decoder.ENCRYPTION).putShort((short) len).putShort((short) u.length).put(u).put(iv).put(enc);
        return b.array();
    }
}
