package lodestar.listener.collectd.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * Reads one collectd network packet (a sequence of parts: 2-byte type, 2-byte length including the
 * header, payload; all big-endian), checks its signature or decrypts it as the security level demands, and
 * hands each values part with the identity and time parts before it to the {@link Processor}.
 *
 * <p>One instance per worker thread: it keeps the last decoded strings so a host or plugin that repeats
 * from packet to packet is not decoded again, and reuses its crypto objects and buffers.
 */
final class Decoder {

    private static final Logger LOG = LoggerFactory.getLogger(Decoder.class);

    static final int HOST = 0x0000;
    static final int TIME = 0x0001;
    static final int PLUGIN = 0x0002;
    static final int PLUGIN_INSTANCE = 0x0003;
    static final int TYPE = 0x0004;
    static final int TYPE_INSTANCE = 0x0005;
    static final int VALUES = 0x0006;
    static final int INTERVAL = 0x0007;
    static final int TIME_HR = 0x0008;
    static final int INTERVAL_HR = 0x0009;
    static final int MESSAGE = 0x0100;
    static final int SEVERITY = 0x0101;
    static final int SIGNATURE = 0x0200;
    static final int ENCRYPTION = 0x0210;

    /** header 4 + HMAC-SHA-256 32 */
    static final int SIGNATURE_FIXED = 36;
    /** header 4 + user length 2 + IV 16 + SHA-1 20 */
    static final int ENCRYPTION_FIXED = 42;

    static final VarHandle I64_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle F64_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    /** What a packet's parts are trusted as: plain, signed (verified), or decrypted. */
    private static final int PLAIN = 0;
    private static final int SIGNED = 1;
    private static final int ENCRYPTED = 2;

    private final int level;
    private final AuthFile auth;
    private final Processor processor;
    private final Stats stats;
    private final RateLimitedLog errorLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog rejectLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog notificationLog = new RateLimitedLog(10_000, LOG::info);

    /** The identity and time parts seen so far in the current packet. */
    final Frame frame = new Frame();
    private final byte[][] lastBytes = new byte[6][];
    private final String[] lastStrings = new String[6];

    private Mac hmac;
    private Cipher aes;
    private MessageDigest sha1;
    private MessageDigest sha256;
    private final Map<String, SecretKeySpec> aesKeys = new HashMap<>();
    private final Map<String, String> aesKeyPasswords = new HashMap<>();
    private final byte[] plain = new byte[65536];
    private String notificationMessage;

    /**
     * Identity and timing of the values that follow, as collectd accumulates them while reading a packet. The
     * identity fields are kept as byte ranges with a hash, so the processor finds a known series without
     * decoding a String; Strings are decoded on demand (a new series, a log line).
     */
    final class Frame {
        static final int FIELDS = 5;
        final byte[][] buf = new byte[FIELDS][];
        final int[] off = new int[FIELDS];
        final int[] len = new int[FIELDS];
        final int[] hash = new int[FIELDS];
        /** collectd time: 2^-30 s since the epoch; 0 = not sent */
        long time;
        long interval;
        long severity;

        void reset() {
            for (int i = 0; i < FIELDS; i++) {
                buf[i] = null;
                len[i] = 0;
                hash[i] = 0;
            }
            time = interval = severity = 0;
        }

        /** A hash of all five identity fields. */
        int identityHash() {
            int h = 0;
            for (int i = 0; i < FIELDS; i++) {
                h = h * 0x9E3779B1 + hash[i] * 31 + len[i];
            }
            return h ^ (h >>> 16);
        }

        String field(int slot) {
            return decode(slot);
        }

        String host() {
            return decode(0);
        }

        String plugin() {
            return decode(1);
        }

        String pluginInstance() {
            return decode(2);
        }

        String type() {
            return decode(3);
        }

        String typeInstance() {
            return decode(4);
        }
    }

    /** The identity slot of a string part type, -1 for a message. */
    private static int slot(int type) {
        return switch (type) {
            case HOST -> 0;
            case PLUGIN -> 1;
            case PLUGIN_INSTANCE -> 2;
            case TYPE -> 3;
            case TYPE_INSTANCE -> 4;
            default -> -1;
        };
    }

    /** The String of an identity field; repeated byte sequences give the same String instance. */
    private String decode(int slot) {
        Frame f = frame;
        int n = f.len[slot];
        if (n == 0) {
            return "";
        }
        byte[] b = f.buf[slot];
        int p = f.off[slot];
        byte[] last = lastBytes[slot];
        if (last != null && last.length == n && Arrays.equals(last, 0, n, b, p, p + n)) {
            return lastStrings[slot];
        }
        String s = new String(b, p, n, StandardCharsets.UTF_8);
        lastBytes[slot] = Arrays.copyOfRange(b, p, p + n);
        lastStrings[slot] = s;
        return s;
    }

    Decoder(Settings.Level level, AuthFile auth, Processor processor, Stats stats) {
        this.level = level.ordinal();
        this.auth = auth;
        this.processor = processor;
        this.stats = stats;
    }

    /** Reads one datagram; errors are counted and logged (rate-limited), values before them are kept. */
    void packet(byte[] b, int off, int len) {
        stats.inc(Stat.PACKETS);
        frame.reset();
        parse(b, off, off + len, PLAIN);
    }

    /** @return false when the rest of the packet must be skipped */
    private boolean parse(byte[] b, int p, int end, int trust) {
        while (p < end) {
            int left = end - p;
            if (left < 4) {
                return malformed(() -> "truncated part header (" + left + " bytes left)");
            }
            int type = u16(b, p);
            int len = u16(b, p + 2);
            if (len < 4) {
                return malformed(() -> "part 0x" + hex(type) + " has length " + len + " (< 4)");
            }
            if (len > end - p) {
                return malformed(() -> "part 0x" + hex(type) + " has length " + len + " but only " + left + " bytes are left");
            }
            if (type == SIGNATURE) {
                return signed(b, p, len, end, trust);
            }
            if (type == ENCRYPTION) {
                if (!encrypted(b, p, len, trust)) {
                    return false;
                }
                p += len;
                continue;
            }
            if (trust < level) {
                return reject(level == ENCRYPTED ? Stat.REJECTED_UNENCRYPTED : Stat.REJECTED_UNSIGNED,
                        () -> level == ENCRYPTED ? "packet not encrypted (securityLevel encrypt)" : "packet neither signed nor encrypted (securityLevel sign)");
            }
            switch (type) {
                case HOST, PLUGIN, PLUGIN_INSTANCE, TYPE, TYPE_INSTANCE -> {
                    if (!field(b, p, len, type)) {
                        return false;
                    }
                }
                case MESSAGE -> {
                    if (len < 5 || b[p + len - 1] != 0) {
                        return malformed(() -> "string part 0x" + hex(type) + " is not NUL-terminated");
                    }
                    notification(new String(b, p + 4, len - 5, StandardCharsets.UTF_8));
                }
                case TIME, TIME_HR, INTERVAL, INTERVAL_HR, SEVERITY -> {
                    if (len != 12) {
                        return malformed(() -> "numeric part 0x" + hex(type) + " has length " + len + " (expected 12)");
                    }
                    long v = (long) I64_BE.get(b, p + 4);
                    switch (type) {
                        case TIME -> frame.time = v << 30;
                        case TIME_HR -> frame.time = v;
                        case INTERVAL -> frame.interval = v << 30;
                        case INTERVAL_HR -> frame.interval = v;
                        default -> frame.severity = v;
                    }
                }
                case VALUES -> {
                    if (!values(b, p, len)) {
                        return false;
                    }
                }
                default -> stats.inc(Stat.UNKNOWN_PARTS); // collectd skips unknown parts too: newer senders stay readable
            }
            p += len;
        }
        return true;
    }

    private boolean values(byte[] b, int p, int len) {
        if (len < 6) {
            return malformed(() -> "values part of length " + len + " (< 6)");
        }
        int n = u16(b, p + 4);
        if (n == 0 || len != 6 + 9 * n) {
            return malformed(() -> "values part of length " + len + " for " + n + " values (expected " + (6 + 9 * n) + ")");
        }
        for (int i = 0; i < n; i++) {
            int k = b[p + 6 + i];
            if (k < 0 || k > 3) {
                return malformed(() -> "unknown value type " + k + " in " + describe());
            }
        }
        processor.values(frame, b, p + 6, n);
        return true;
    }

    /** An identity string part: payload ends with NUL; kept as a byte range and hashed. */
    private boolean field(byte[] b, int p, int len, int type) {
        if (len < 5 || b[p + len - 1] != 0) {
            return malformed(() -> "string part 0x" + hex(type) + " is not NUL-terminated");
        }
        int slot = slot(type);
        int n = len - 5;
        int h = 0;
        for (int i = p + 4, e = p + 4 + n; i < e; i++) {
            h = 31 * h + b[i];
        }
        Frame f = frame;
        f.buf[slot] = b;
        f.off[slot] = p + 4;
        f.len[slot] = n;
        f.hash[slot] = h;
        return true;
    }

    /** collectd dispatches a notification when the message part arrives; we count it and log it, rate-limited. */
    private void notification(String message) {
        stats.inc(Stat.NOTIFICATIONS);
        long sev = frame.severity;
        String level = sev == 1 ? "FAILURE" : sev == 2 ? "WARNING" : sev == 4 ? "OKAY" : "severity " + sev;
        notificationLog.log(() -> "collectd notification " + level + " from " + describe() + ": " + LogText.of(message));
    }

    /** Signature part: HMAC-SHA-256 (key: the user's password) over the user name and the rest of the packet. */
    private boolean signed(byte[] b, int p, int len, int end, int trust) {
        if (len <= SIGNATURE_FIXED) {
            return malformed(() -> "signature part of length " + len + " has no user name");
        }
        String user = new String(b, p + SIGNATURE_FIXED, len - SIGNATURE_FIXED, StandardCharsets.UTF_8);
        if (auth == null) {
            // collectd without an auth file accepts signed packets unverified; only at securityLevel none
            return parse(b, p + len, end, trust);
        }
        String password = auth.password(user);
        if (password == null) {
            return reject(Stat.REJECTED_UNKNOWN_USER, () -> "signed by unknown user '" + LogText.of(user) + "'");
        }
        byte[] expected;
        try {
            if (hmac == null) {
                hmac = Mac.getInstance("HmacSHA256");
            }
            hmac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            hmac.update(b, p + SIGNATURE_FIXED, end - (p + SIGNATURE_FIXED));
            expected = hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(b, p + 4, p + SIGNATURE_FIXED))) {
            return reject(Stat.REJECTED_BAD_SIGNATURE, () -> "bad signature from user '" + LogText.of(user) + "'");
        }
        return parse(b, p + len, end, Math.max(trust, SIGNED));
    }

    /**
     * Encryption part: user name, 16-byte IV, then AES-256-OFB (key: SHA-256 of the password) over a SHA-1 of
     * the plaintext followed by the plaintext, itself a sequence of parts.
     */
    private boolean encrypted(byte[] b, int p, int len, int trust) {
        if (trust == ENCRYPTED) {
            return malformed(() -> "encryption part inside an encrypted part");
        }
        if (len <= ENCRYPTION_FIXED) {
            return malformed(() -> "encryption part of length " + len + " is too short");
        }
        int userLen = u16(b, p + 4);
        if (userLen == 0 || userLen > len - (ENCRYPTION_FIXED + 1)) {
            return malformed(() -> "encryption part: user name length " + userLen + " does not fit part length " + len);
        }
        String user = new String(b, p + 6, userLen, StandardCharsets.UTF_8);
        if (auth == null) {
            return reject(Stat.REJECTED_NO_AUTH_FILE, () -> "encrypted packet from '" + LogText.of(user) + "' but no authFile is configured");
        }
        String password = auth.password(user);
        if (password == null) {
            return reject(Stat.REJECTED_UNKNOWN_USER, () -> "encrypted by unknown user '" + LogText.of(user) + "'");
        }
        int ivAt = p + 6 + userLen;
        int dataAt = ivAt + 16;
        int dataLen = p + len - dataAt;
        int plainLen;
        try {
            if (aes == null) {
                aes = Cipher.getInstance("AES/OFB/NoPadding");
                sha1 = MessageDigest.getInstance("SHA-1");
                sha256 = MessageDigest.getInstance("SHA-256");
            }
            aes.init(Cipher.DECRYPT_MODE, key(user, password), new IvParameterSpec(b, ivAt, 16));
            plainLen = aes.doFinal(b, dataAt, dataLen, plain, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/OFB/NoPadding unavailable", e);
        }
        sha1.update(plain, 20, plainLen - 20);
        byte[] sum = sha1.digest();
        if (!MessageDigest.isEqual(sum, Arrays.copyOfRange(plain, 0, 20))) {
            return reject(Stat.REJECTED_BAD_CHECKSUM, () -> "checksum mismatch in packet encrypted by '" + LogText.of(user) + "' (wrong password?)");
        }
        // like collectd's nested parse: the encrypted content starts a fresh identity (and the plaintext buffer
        // is reused by the next encrypted part, so nothing may point into it afterwards)
        frame.reset();
        boolean ok = parse(plain, 20, plainLen, ENCRYPTED);
        frame.reset();
        return ok;
    }

    private SecretKeySpec key(String user, String password) {
        SecretKeySpec k = aesKeys.get(user);
        if (k == null || !password.equals(aesKeyPasswords.get(user))) {
            k = new SecretKeySpec(sha256.digest(password.getBytes(StandardCharsets.UTF_8)), "AES");
            aesKeys.put(user, k);
            aesKeyPasswords.put(user, password);
        }
        return k;
    }

    /** Counts a malformed packet; {@code why} is built only if the (rate-limited) log line is written. */
    private boolean malformed(Supplier<String> why) {
        stats.inc(Stat.BAD_INPUT);
        stats.inc(Stat.MALFORMED);
        errorLog.log(() -> "collectd protocol error: " + why.get() + " (rest of the packet skipped)");
        return false;
    }

    private boolean reject(Stat reason, Supplier<String> why) {
        stats.inc(Stat.REJECTED);
        stats.inc(reason);
        rejectLog.log(() -> "collectd packet rejected: " + why.get());
        return false;
    }

    /** The identity of the values being read, for a log line (made of input: cut and escaped). */
    private String describe() {
        Frame f = frame;
        String pi = f.pluginInstance();
        String ti = f.typeInstance();
        return LogText.of(f.host() + "/" + f.plugin() + (pi.isEmpty() ? "" : "-" + pi) + "/" + f.type() + (ti.isEmpty() ? "" : "-" + ti));
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private static String hex(int type) {
        return String.format("%04x", type);
    }
}
