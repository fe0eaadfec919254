package lodestar.support.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Places a Graphite series on the destinations of a cluster exactly as carbon-c-relay does for its
 * {@code carbon_ch}, {@code fnv1a_ch} and {@code jump_fnv1a_ch} clusters (and, for {@code carbon_ch}, as carbon's
 * own {@code ConsistentHashRing} does whenever two ring points do not collide; see below). Operators migrating from
 * a relay depend on this: a series placed elsewhere has its history split over two caches.
 *
 * <p>Written from reading carbon's {@code hashing.py} and carbon-c-relay's {@code consistent-hash.c}, and checked
 * against both programs' placements for thousands of names (the golden files of the unit test):
 * <ul>
 * <li>{@code carbon_ch}: 100 points per destination at the first two bytes of the MD5 of Python's rendering of the
 * {@code (server, instance)} tuple, {@code "('host', 'instance'):i"} or {@code "('host', None):i"}: the port is not
 * part of it. A name goes to the first point at or after the first two bytes of its MD5, wrapping.</li>
 * <li>{@code fnv1a_ch}: 100 points per destination at FNV-1a-32 folded to 16 bits of {@code "i-instance"}, or of
 * {@code "i-host:port"} without an instance.</li>
 * <li>{@code jump_fnv1a_ch}: Lamping and Veach's jump consistent hash of the name's FNV-1a-64 over the destinations
 * ordered by instance (numerically when both are numbers), those without one last in the order given.</li>
 * </ul>
 * Where two points share a position, carbon-c-relay gives all of them to the first in sort order (position, host,
 * then instance or port); carbon's python moves the later one up by one instead, so the two differ for the few names
 * that fall exactly there. This class follows carbon-c-relay, the relay operators replace.
 *
 * <p>carbon-c-relay hashes the name's bytes as C {@code char}, which is signed on x86: bytes above 0x7f enter FNV
 * sign-extended. That is reproduced so non-ASCII names land where the relay put them.
 *
 * <p>Immutable and thread-safe.
 */
public final class HashRing {

    /** The routing methods, by carbon-c-relay's names. */
    public enum Method {
        CARBON_CH, FNV1A_CH, JUMP_FNV1A_CH;

        /** {@code carbon_ch}, {@code fnv1a_ch} or {@code jump_fnv1a_ch}, case-insensitive. */
        public static Method parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "carbon_ch" -> CARBON_CH;
                case "fnv1a_ch" -> FNV1A_CH;
                case "jump_fnv1a_ch" -> JUMP_FNV1A_CH;
                default -> throw new IllegalArgumentException(
                        "routing: must be carbon_ch, fnv1a_ch or jump_fnv1a_ch, got '" + text + "'");
            };
        }

        /** The name carbon-c-relay uses. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One destination, as written in carbon-c-relay's cluster or the sink's {@code destinations}:
     * {@code host:port[=instance]}.
     *
     * @param instance {@code null} when none was given
     */
    public record Node(String host, int port, String instance) {

        /** Parses {@code host:port[=instance]} ({@code [v6]:port} for an IPv6 address). */
        public static Node parse(String text) {
            String t = text == null ? "" : text.trim();
            String instance = null;
            int eq = t.indexOf('=');
            if (eq >= 0) {
                instance = t.substring(eq + 1).trim();
                t = t.substring(0, eq).trim();
                if (instance.isEmpty()) {
                    throw new IllegalArgumentException("destination '" + text + "': empty instance after '='");
                }
            }
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("destination '" + text + "': expected host:port[=instance]");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535 || host.isEmpty()) {
                throw new IllegalArgumentException("destination '" + text + "': expected host:port[=instance] with a port"
                        + " between 1 and 65535");
            }
            return new Node(host, port, instance);
        }

        /** {@code host:port} or {@code host:port=instance}, as parsed. */
        public String key() {
            String hp = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
            return instance == null ? hp : hp + "=" + instance;
        }
    }

    private static final int REPLICAS = 100;

    private final Method method;
    private final List<Node> nodes;
    private final int replication;
    /** carbon_ch and fnv1a_ch: sorted point positions and the node index owning each */
    private final int[] positions;
    private final int[] owners;
    /** jump_fnv1a_ch: node indexes in bucket order */
    private final int[] buckets;

    private HashRing(Method method, List<Node> nodes, int replication) {
        this.method = method;
        this.nodes = List.copyOf(nodes);
        this.replication = replication;
        if (method == Method.JUMP_FNV1A_CH) {
            positions = null;
            owners = null;
            buckets = jumpOrder(this.nodes);
        } else {
            buckets = null;
            int n = this.nodes.size() * REPLICAS;
            Integer[] order = new Integer[n];
            int[] pos = new int[n];
            int[] own = new int[n];
            for (int node = 0; node < this.nodes.size(); node++) {
                Node s = this.nodes.get(node);
                for (int i = 0; i < REPLICAS; i++) {
                    String key;
                    if (method == Method.CARBON_CH) {
                        // Python's str() of the (server, instance) tuple, as carbon feeds its ring
                        key = "('" + s.host() + "', " + (s.instance() == null ? "None" : "'" + s.instance() + "'") + "):" + i;
                        pos[node * REPLICAS + i] = md5Position(key.getBytes(StandardCharsets.UTF_8));
                    } else {
                        key = s.instance() == null ? i + "-" + s.host() + ":" + s.port() : i + "-" + s.instance();
                        pos[node * REPLICAS + i] = fnvPosition(key.getBytes(StandardCharsets.UTF_8));
                    }
                    own[node * REPLICAS + i] = node;
                    order[node * REPLICAS + i] = node * REPLICAS + i;
                }
            }
            Comparator<Integer> byPosition = Comparator.comparingInt(k -> pos[k]);
            Comparator<Integer> tie = method == Method.CARBON_CH
                    ? (a, b) -> carbonTie(this.nodes.get(own[a]), this.nodes.get(own[b]))
                    : (a, b) -> fnvTie(this.nodes.get(own[a]), this.nodes.get(own[b]));
            Arrays.sort(order, byPosition.thenComparing(tie));
            positions = new int[n];
            owners = new int[n];
            for (int k = 0; k < n; k++) {
                positions[k] = pos[order[k]];
                owners[k] = own[order[k]];
                // points sharing a position all belong to the first of them, as in carbon-c-relay
                if (k > 0 && positions[k] == positions[k - 1]) {
                    owners[k] = owners[k - 1];
                }
            }
        }
    }

    /**
     * @param replication on how many distinct destinations each series goes, 1 up to the number of destinations
     * @throws IllegalArgumentException naming the property at fault
     */
    public static HashRing of(Method method, List<Node> nodes, int replication) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("destinations: at least one host:port is needed");
        }
        if (replication < 1 || replication > nodes.size()) {
            throw new IllegalArgumentException("replicationFactor: must be between 1 and the number of destinations ("
                    + nodes.size() + "), got " + replication);
        }
        Set<String> seen = new HashSet<>();
        for (Node n : nodes) {
            if (!seen.add(n.host() + ":" + n.port())) {
                throw new IllegalArgumentException("destinations: " + n.host() + ":" + n.port() + " is listed twice");
            }
        }
        if (method == Method.CARBON_CH) {
            Set<String> keys = new HashSet<>();
            for (Node n : nodes) {
                if (!keys.add(n.host() + "=" + n.instance())) {
                    // carbon's ring ignores the port: both would get the very same points
                    throw new IllegalArgumentException("destinations: carbon_ch places by host and instance, not port:"
                            + " give " + n.key() + " an instance (host:port=name) unlike the others on " + n.host());
                }
            }
        }
        return new HashRing(method, nodes, replication);
    }

    public Method method() {
        return method;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public int replication() {
        return replication;
    }

    /** The destinations of a series, as indexes into {@link #nodes()}, in the relay's order. */
    public int[] place(String name) {
        return place(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The destinations of a series given as the bytes of its Graphite name (with tags, as sent). */
    public int[] place(byte[] name) {
        return place(name, name.length);
    }

    /** The destinations of a series whose Graphite name is the first {@code length} bytes of {@code name}. */
    public int[] place(byte[] name, int length) {
        int[] out = new int[replication];
        if (method == Method.JUMP_FNV1A_CH) {
            long hash = fnv1a64(name, length);
            int[] left = buckets.clone();
            int count = left.length;
            for (int r = 0; ; ) {
                int j = jump(hash, count);
                out[r++] = left[j];
                if (r == replication) {
                    return out;
                }
                // a different key for the next pick, and the picked destination out of the draw
                hash ^= hash >>> 12;
                hash ^= hash << 25;
                hash ^= hash >>> 27;
                hash *= 2685821657736338717L;
                left[j] = left[--count];
            }
        }
        int pos = method == Method.CARBON_CH ? md5Position(name, length) : fnvPosition(name, length);
        int t = lowerBound(pos);
        int found = 0;
        for (int walked = 0; found < replication && walked < owners.length; walked++, t++) {
            if (t >= owners.length) {
                t = 0;
            }
            int owner = owners[t];
            boolean dup = false;
            for (int k = 0; k < found; k++) {
                dup |= out[k] == owner;
            }
            if (!dup) {
                out[found++] = owner;
            }
        }
        return out;
    }

    /** The first point at or after {@code pos}, or 0 past the last (the ring wraps). */
    private int lowerBound(int pos) {
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions[mid] < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == positions.length ? 0 : lo;
    }

    private static int carbonTie(Node l, Node r) {
        int d = compareBytes(l.host(), r.host());
        if (d != 0) {
            return d;
        }
        if (l.instance() == null && r.instance() == null) {
            return 0;
        }
        if (l.instance() == null) {
            return 1;
        }
        if (r.instance() == null) {
            return -1;
        }
        return compareBytes(l.instance(), r.instance());
    }

    private static int fnvTie(Node l, Node r) {
        int d = compareBytes(l.host(), r.host());
        return d != 0 ? d : Integer.compare(l.port(), r.port());
    }

    /** Destinations with an instance first, by instance (as numbers when both are); the others in the order given. */
    private static int[] jumpOrder(List<Node> nodes) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> {
            String l = nodes.get(a).instance();
            String r = nodes.get(b).instance();
            if (l == null && r == null) {
                return Integer.compare(a, b);
            }
            if (l == null) {
                return 1;
            }
            if (r == null) {
                return -1;
            }
            Long nl = number(l);
            Long nr = number(r);
            if (nl != null && nr != null) {
                return Long.compare(nl, nr);
            }
            return compareBytes(l, r);
        });
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** C's strcmp over UTF-8: unsigned bytes. */
    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    });

    /** The first two bytes of the MD5: carbon's 16-bit ring position. */
    static int md5Position(byte[] key) {
        return md5Position(key, key.length);
    }

    static int md5Position(byte[] key, int length) {
        MessageDigest md = MD5.get();
        md.update(key, 0, length);
        byte[] d = md.digest();
        return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    /** FNV-1a-32 folded to 16 bits, over bytes taken as signed C chars. */
    static int fnvPosition(byte[] key) {
        return fnvPosition(key, key.length);
    }

    static int fnvPosition(byte[] key, int length) {
        int h = 0x811c9dc5;
        for (int i = 0; i < length; i++) {
            h = (h ^ key[i]) * 16777619; // the byte widens sign-extended, as (unsigned int)(char) does on x86
        }
        return ((h >>> 16) ^ (h & 0xffff)) & 0xffff;
    }

    /** FNV-1a-64 over bytes taken as signed C chars. */
    static long fnv1a64(byte[] key, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h = (h ^ key[i]) * 1099511628211L;
        }
        return h;
    }

    /** Lamping and Veach's jump consistent hash, with carbon-c-relay's arithmetic (doubles, key unsigned). */
    static int jump(long key, int buckets) {
        long b = -1;
        long j = 0;
        while (j < buckets) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((double) (b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }
}
