package lodestar.sink.graphite.internal;

import static lodestar.sink.graphite.internal.Configs.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.ring.HashRing;

/** A cluster sink: each destination takes exactly the series the ring places on it, keyed by the path as sent. */
class GraphiteSinkClusterTest {

    private static Sample sample(String name, Tags tags) {
        return new Sample(name, tags, 1, 1_700_000_000_000L, Kind.GAUGE);
    }

    @Test
    void eachSeriesGoesToTheRingsDestinationsOnly() {
        for (String routing : new String[] {"carbon_ch", "fnv1a_ch", "jump_fnv1a_ch"}) {
            GraphiteSink s = sink("destinations", "127.0.0.1:2103=a, 127.0.0.1:2203=b,127.0.0.1:2303=c", "routing", routing,
                    "replicationFactor", 2, "prefix", "relay");
            HashRing ring = HashRing.of(HashRing.Method.parse(routing), List.of(HashRing.Node.parse("127.0.0.1:2103=a"),
                    HashRing.Node.parse("127.0.0.1:2203=b"), HashRing.Node.parse("127.0.0.1:2303=c")), 2);
            int[] perDestination = new int[3];
            for (int i = 0; i < 3000; i++) {
                Tags tags = i % 3 == 0 ? Tags.of("host", "h" + i) : Tags.EMPTY;
                Sample x = sample("app.n" + i + ".count", tags);
                // the key is the path on the wire with its prefix, up to the tags, as a running carbon-c-relay hashes it
                String wire = "relay.app.n" + i + ".count";
                Set<Integer> expected = new HashSet<>();
                for (int p : ring.place(wire)) {
                    expected.add(p);
                }
                assertFalse(s.accepts(x), "the configuration's own entry carries nothing");
                Set<Integer> got = new HashSet<>();
                for (int d = 0; d < 3; d++) {
                    if (s.destinations().get(d).accepts(x)) {
                        got.add(d);
                        perDestination[d]++;
                    }
                }
                assertEquals(expected, got, routing + " " + wire);
            }
            for (int d = 0; d < 3; d++) {
                assertTrue(perDestination[d] > 1000, routing + ": destination " + d + " got " + perDestination[d]);
            }
            s.deactivate();
        }
    }

    @Test
    void nonFiniteAndUnwritableNamesGoNowhere() {
        GraphiteSink s = sink("destinations", "127.0.0.1:2103=a,127.0.0.1:2203=b", "routing", "fnv1a_ch");
        for (CarbonDestination d : s.destinations()) {
            assertFalse(d.accepts(new Sample("x.y", Tags.EMPTY, Double.NaN, 1L, Kind.GAUGE)));
            assertFalse(d.accepts(new Sample("...", Tags.EMPTY, 1, 1L, Kind.GAUGE)));
        }
        s.deactivate();
    }

    @Test
    void badClusterSettingsNameTheProperty() {
        for (Object[] bad : new Object[][] {
                {"destinations", "127.0.0.1"}, {"destinations", "127.0.0.1:2003,127.0.0.1:x"},
                {"destinations", "a:1,a:1=x"}, {"destinations", "h:2103,h:2203"}, // carbon_ch needs instances here
                {"routing", "any_of", "destinations", "a:1,b:1"},
                {"replicationFactor", 3, "destinations", "a:1,b:1"}, {"replicationFactor", 0, "destinations", "a:1,b:1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sink(bad));
            assertTrue(e.getMessage().startsWith(bad[0] + ":"), e.getMessage());
        }
    }

    @Test
    void writesEachDestinationsShareToItsOwnCarbon() throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<Set<String>> received = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        StringBuilder destinations = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            servers.add(ss);
            Set<String> lines = ConcurrentHashMap.newKeySet();
            received.add(lines);
            Thread t = new Thread(() -> {
                try (Socket c = ss.accept(); BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l.substring(0, l.indexOf(' ')));
                    }
                } catch (Exception e) {
                    // closed by the test
                }
            });
            t.start();
            readers.add(t);
            destinations.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ss.getLocalPort()).append("=c").append(i);
        }
        GraphiteSink s = sink("destinations", destinations.toString(), "routing", "jump_fnv1a_ch");
        List<List<Sample>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 300; i++) {
            Sample x = sample("m" + i, Tags.EMPTY);
            for (int d = 0; d < 3; d++) {
                if (s.destinations().get(d).accepts(x)) {
                    batches.get(d).add(x);
                }
            }
        }
        for (int d = 0; d < 3; d++) {
            s.destinations().get(d).write(batches.get(d));
        }
        s.deactivate();
        for (Thread t : readers) {
            t.join(5000);
        }
        int total = 0;
        for (int d = 0; d < 3; d++) {
            assertEquals(batches.get(d).size(), received.get(d).size());
            for (Sample x : batches.get(d)) {
                assertTrue(received.get(d).contains(x.name()), x.name());
            }
            total += received.get(d).size();
            servers.get(d).close();
        }
        assertEquals(300, total);
    }
}
