package lodestar.support.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Compares HashRing's placements with the real carbon-c-relay's ({@code carbon-c-relay -t}) and carbon's python ring's
 * for 3,000 names per cluster, exactly: the golden files and the script that wrote them are in
 * src/test/resources/lodestar/support/ring.
 */
class HashRingTest {

    private static final Pattern RELAY_HEADER = Pattern.compile("# carbon-c-relay 3.7.3 -t: cluster c (\\S+) replication (\\d+) (.*)");
    private static final Pattern PYTHON_NODE = Pattern.compile("\\('([^']*)', (?:'([^']*)'|None)\\)");
    private static final Pattern PYTHON_HEADER = Pattern.compile("# graphite-carbon .*ConsistentHashRing\\(\\[(.*)\\]\\)\\.get_nodes, first (\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"carbon_ch-r1-instances", "carbon_ch-r2-instances", "carbon_ch-r1-hosts", "carbon_ch-r3-five",
            "fnv1a_ch-r1-instances", "fnv1a_ch-r2-hosts", "jump_fnv1a_ch-r1-instances", "jump_fnv1a_ch-r2-mixed"})
    void placesEveryNameWhereCarbonCRelayDoes(String file) throws IOException {
        List<String> lines = read(file);
        Matcher m = RELAY_HEADER.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        List<HashRing.Node> nodes = Arrays.stream(m.group(3).split(" ")).map(HashRing.Node::parse).toList();
        HashRing ring = HashRing.of(HashRing.Method.parse(m.group(1)), nodes, Integer.parseInt(m.group(2)));
        int checked = compare(ring, lines, false);
        assertEquals(3000, checked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"python-carbon_ch-r1-instances", "python-carbon_ch-r2-instances"})
    void placesEveryNameWhereCarbonsPythonRingDoes(String file) throws IOException {
        List<String> lines = read(file);
        Matcher m = PYTHON_HEADER.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        List<HashRing.Node> nodes = new ArrayList<>();
        Matcher n = PYTHON_NODE.matcher(m.group(1));
        int port = 2003;
        while (n.find()) {
            nodes.add(new HashRing.Node(n.group(1), port++, n.group(2))); // python's ring ignores ports
        }
        HashRing ring = HashRing.of(HashRing.Method.CARBON_CH, nodes, Integer.parseInt(m.group(2)));
        assertEquals(3000, compare(ring, lines, true));
    }

    /**
     * carbon's python and carbon-c-relay disagree where two ring points share a position (python moves the later
     * one up by one, the relay gives both to the first): with 10.0.0.1..4 that is one name of the 3,000, and
     * HashRing sides with the relay there. Every other name: all three agree.
     */
    @Test
    void theOnlyDifferenceFromPythonIsWhereCarbonCRelayDiffersToo() throws IOException {
        List<String> python = read("python-carbon_ch-r1-hosts");
        List<String> relay = read("carbon_ch-r1-hosts");
        HashRing ring = HashRing.of(HashRing.Method.CARBON_CH, Arrays.stream(RELAY_HEADER.matcher(relay.get(0)).replaceAll("$3")
                .split(" ")).map(HashRing.Node::parse).toList(), 1);
        List<String> differ = new ArrayList<>();
        for (int i = 1; i < python.size(); i++) {
            String[] p = python.get(i).split("\t");
            String[] r = relay.get(i).split("\t");
            assertEquals(p[0], r[0]);
            String ours = ring.nodes().get(ring.place(p[0])[0]).host();
            assertEquals(r[1], ring.nodes().get(ring.place(p[0])[0]).key());
            if (!ours.equals(p[1])) {
                differ.add(p[0] + " python " + p[1] + " relay " + r[1]);
            }
        }
        assertEquals(List.of("queue.queue.errors.gc python 10.0.0.3 relay 10.0.0.2:2003"), differ);
    }

    @Test
    void parsesDestinations() {
        assertEquals(new HashRing.Node("127.0.0.1", 2103, "a"), HashRing.Node.parse(" 127.0.0.1:2103=a "));
        assertEquals(new HashRing.Node("cache1", 2003, null), HashRing.Node.parse("cache1:2003"));
        assertEquals(new HashRing.Node("::1", 2003, null), HashRing.Node.parse("[::1]:2003"));
        assertEquals("[::1]:2003=x", HashRing.Node.parse("[::1]:2003=x").key());
        for (String bad : new String[] {"", "host", "host:", ":2003", "host:0", "host:70000", "host:2003=", "host:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashRing.Node.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("destination '"), e.getMessage());
        }
    }

    @Test
    void refusesWhatTheRelayWouldNotPlaceSensibly() {
        List<HashRing.Node> two = List.of(HashRing.Node.parse("a:1"), HashRing.Node.parse("b:1"));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(HashRing.Method.CARBON_CH, two, 3));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(HashRing.Method.CARBON_CH, two, 0));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(HashRing.Method.CARBON_CH, List.of(), 1));
        // carbon_ch ignores ports: two caches on one host need instances
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashRing.of(HashRing.Method.CARBON_CH,
                List.of(HashRing.Node.parse("h:2103"), HashRing.Node.parse("h:2203")), 1));
        assertTrue(e.getMessage().contains("instance"), e.getMessage());
        HashRing.of(HashRing.Method.FNV1A_CH, List.of(HashRing.Node.parse("h:2103"), HashRing.Node.parse("h:2203")), 2);
        assertThrows(IllegalArgumentException.class, () -> HashRing.Method.parse("any_of"));
    }

    @Test
    void aSingleDestinationTakesEverything() {
        HashRing ring = HashRing.of(HashRing.Method.JUMP_FNV1A_CH, List.of(HashRing.Node.parse("a:1")), 1);
        assertEquals(0, ring.place("x.y")[0]);
        assertEquals(0, HashRing.of(HashRing.Method.CARBON_CH, List.of(HashRing.Node.parse("a:1")), 1).place("anything")[0]);
    }

    private static int compare(HashRing ring, List<String> lines, boolean hostsOnly) {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String line : lines.subList(1, lines.size())) {
            int tab = line.indexOf('\t');
            String name = line.substring(0, tab);
            String expected = line.substring(tab + 1);
            int[] placed = ring.place(name);
            StringBuilder got = new StringBuilder();
            for (int i : placed) {
                HashRing.Node node = ring.nodes().get(i);
                String key = hostsOnly ? (node.instance() == null ? node.host() : node.host() + "=" + node.instance()) : node.key();
                got.append(got.length() == 0 ? "" : ",").append(key);
            }
            if (!expected.equals(got.toString())) {
                wrong.add(name + ": expected " + expected + ", got " + got);
            }
            checked++;
        }
        assertEquals(List.of(), wrong.size() > 20 ? wrong.subList(0, 20) : wrong, wrong.size() + " names placed differently");
        return checked;
    }

    private static List<String> read(String file) throws IOException {
        try (InputStream in = HashRingTest.class.getResourceAsStream(file + ".tsv")) {
            assertTrue(in != null, file);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return r.lines().filter(l -> !l.isEmpty()).toList();
        }
    }
}
