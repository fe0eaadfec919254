package lodestar.listener.collectd.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Builds collectd network packets for tests (and signs or encrypts them as collectd's client does). */
final class Packets {

    static final int COUNTER = 0;
    static final int GAUGE = 1;
    static final int DERIVE = 2;
    static final int ABSOLUTE = 3;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Packets string(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        header(type, 4 + b.length + 1);
        out.writeBytes(b);
        out.write(0);
        return this;
    }

    Packets number(int type, long v) {
        header(type, 12);
        out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        return this;
    }

    Packets id(String host, String plugin, String pluginInstance, String type, String typeInstance) {
        string(Decoder.HOST, host).string(Decoder.PLUGIN, plugin).string(Decoder.PLUGIN_INSTANCE, pluginInstance);
        return string(Decoder.TYPE, type).string(Decoder.TYPE_INSTANCE, typeInstance);
    }

    /** Time in whole seconds (the old TIME part). */
    Packets time(long seconds) {
        return number(Decoder.TIME, seconds);
    }

    /** Time in seconds as the high-resolution TIME_HR part. */
    Packets timeHr(double seconds) {
        return number(Decoder.TIME_HR, (long) (seconds * (1L << 30)));
    }

    Packets interval(long seconds) {
        return number(Decoder.INTERVAL, seconds);
    }

    /** A values part; {@code kinds[i]} is the wire kind of {@code values[i]} (gauges as doubles, the rest as longs). */
    Packets values(int[] kinds, double... values) {
        header(Decoder.VALUES, 6 + 9 * values.length);
        out.write(values.length >> 8);
        out.write(values.length);
        for (int k : kinds) {
            out.write(k);
        }
        for (int i = 0; i < values.length; i++) {
            if (kinds[i] == GAUGE) {
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(values[i]).array());
            } else {
                out.writeBytes(ByteBuffer.allocate(8).putLong((long) values[i]).array());
            }
        }
        return this;
    }

    Packets gauge(double v) {
        return values(new int[] {GAUGE}, v);
    }

    /** One raw 64-bit value of the given kind. */
    Packets raw(int kind, long v) {
        header(Decoder.VALUES, 15);
        out.write(0);
        out.write(1);
        out.write(kind);
        out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        return this;
    }

    Packets bytes(int... b) {
        for (int x : b) {
            out.write(x);
        }
        return this;
    }

    Packets header(int type, int len) {
        out.write(type >> 8);
        out.write(type);
        out.write(len >> 8);
        out.write(len);
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** collectd's signed packet: signature part (HMAC-SHA-256 over user name + payload), user, payload. */
    static byte[] sign(byte[] payload, String user, String password) throws Exception {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(u);
        mac.update(payload);
        byte[] h = mac.doFinal();
        ByteBuffer b = ByteBuffer.allocate(36 + u.length + payload.length);
        b.putShort((short) Decoder.SIGNATURE).putShort((short) (36 + u.length)).put(h).put(u).put(payload);
        return b.array();
    }

    /** collectd's encrypted packet: one encryption part (user, IV, AES-256-OFB of SHA-1 + payload). */
    static byte[] encrypt(byte[] payload, String user, String password) throws Exception {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        byte[] sum = MessageDigest.getInstance("SHA-1").digest(payload);
        byte[] plain = new byte[20 + payload.length];
        System.arraycopy(sum, 0, plain, 0, 20);
        System.arraycopy(payload, 0, plain, 20, payload.length);
        Cipher c = Cipher.getInstance("AES/OFB/NoPadding");
        byte[] key = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] enc = c.doFinal(plain);
        int len = 4 + 2 + u.length + 16 + enc.length;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putShort((short) Decoder.ENCRYPTION).putShort((short) len).putShort((short) u.length).put(u).put(iv).put(enc);
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
