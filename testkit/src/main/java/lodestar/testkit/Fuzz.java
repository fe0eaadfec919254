package lodestar.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Malformed inputs made from good ones, reproducibly (a fixed seed): what a fuzzer throws at a listener. Each
 * input is one of: random bytes, a good input with bits flipped, cut short, with bytes inserted or overwritten by
 * protocol-looking characters, or a good input's bytes shuffled.
 */
public final class Fuzz {

    private static final byte[] SPECIAL = "\n\r\t \0:|@#,;=.-+eE\u00ff\u001b".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private final Random random;

    public Fuzz(long seed) {
        this.random = new Random(seed);
    }

    /** {@code n} mutations of {@code good} (taken round-robin). */
    public List<byte[]> mutate(List<byte[]> good, int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(mutate(good.get(i % good.size())));
        }
        return out;
    }

    /** One mutation of {@code good}. */
    public byte[] mutate(byte[] good) {
        byte[] b = good.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                b = new byte[1 + random.nextInt(Math.max(2, good.length * 2))];
                random.nextBytes(b);
            }
            case 1 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n && b.length > 0; i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> b = Arrays.copyOf(b, random.nextInt(Math.max(1, b.length)));
            case 3 -> {
                int at = random.nextInt(b.length + 1);
                byte[] ins = new byte[1 + random.nextInt(16)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = SPECIAL[random.nextInt(SPECIAL.length)];
                }
                byte[] r = new byte[b.length + ins.length];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(ins, 0, r, at, ins.length);
                System.arraycopy(b, at, r, at + ins.length, b.length - at);
                b = r;
            }
            case 4 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n && b.length > 0; i++) {
                    b[random.nextInt(b.length)] = SPECIAL[random.nextInt(SPECIAL.length)];
                }
            }
            default -> {
                for (int i = b.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    byte t = b[i];
                    b[i] = b[j];
                    b[j] = t;
                }
            }
        }
        return b;
    }
}
