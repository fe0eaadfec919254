package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import lodestar.testkit.CarbonCRelayProcess;
import lodestar.testkit.CarbonProcess;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.Tools;
import lodestar.testkit.Whisper;

/**
 * The differential test of the Graphite relay: three real carbon-caches on loopback; the same 10,000 series sent
 * through the real carbon-c-relay and through a Lodestar relay (its Graphite listener into a Graphite sink with
 * {@code destinations=}), for carbon_ch with replication 1 and 2, fnv1a_ch and jump_fnv1a_ch (the Lodestar sink
 * reconfigured live between them). The relay is configured with the README's files ("Running a fleet"), only its
 * addresses and ports changed to this test's. Each relay's points carry their own timestamp, so one whisper file shows which
 * relay put a series on which cache: every series must be on the same cache(s) from both. Then one cache is
 * stopped ({@code -Drelay.outage.seconds}, 5 s here; the documented 30 s run in BENCHMARKS.md) while 10,000 more
 * series go through Lodestar: all of them arrive once it is back, on the cache the ring gives, none elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GraphiteRelayIT {

    private static final int SERIES = 10_000;
    private static final long OUTAGE_SECONDS = Long.getLong("relay.outage.seconds", 5);
    private static final String[] INSTANCES = {"a", "b", "c"};
    private static final String LISTENER = "lodestar.listener.graphite-in.cfg";
    private static final String CLUSTER = "lodestar.sink.graphite-cluster.cfg";
    private Map<String, Map<String, String>> readme;
    private long aggBucket;

    private final Path tmp = LodestarProcess.tempDir();
    private final List<CarbonProcess> caches = new ArrayList<>();
    private final List<CarbonCRelayProcess> relays = new ArrayList<>();
    private LodestarProcess lodestar;
    private int graphitePort;
    private final List<String> names = names();
    /** 10 s slots 20 minutes back, inside the caches' 30 min retention; one slot per relay and case */
    private final long base = System.currentTimeMillis() / 1000 / 10 * 10 - 1200;
    /** carbon_ch replication 1 placement, by carbon-c-relay: the outage test expects it */
    private Map<String, TreeSet<String>> carbonCh;

    /** Dotted names, some with Graphite 1.1 tags written in key order (as Graphite normalizes them). */
    private static List<String> names() {
        Random r = new Random(16);
        String[] words = {"sys", "cpu", "load", "web", "db", "api", "requests", "latency", "p99", "eu-west", "host_1",
                "disk", "mem", "free", "net", "rx", "tx", "errors", "jvm", "gc", "heap", "queue"};
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        while (out.size() < SERIES) {
            int parts = 2 + r.nextInt(5);
            StringBuilder b = new StringBuilder("e2e");
            for (int i = 0; i < parts; i++) {
                b.append('.').append(r.nextInt(10) < 7 ? words[r.nextInt(words.length)] : "n" + r.nextInt(100_000));
            }
            if (r.nextInt(100) < 15) {
                b.append(";dc=").append(new String[] {"ams", "fra", "nyc"}[r.nextInt(3)]).append(";host=h").append(r.nextInt(500));
            }
            out.add(b.toString());
        }
        return new ArrayList<>(out);
    }

    /**
     * The README's relay configuration ("Running a fleet"): each {@code ```properties} block under a line naming its
     * {@code conf/<file>}, as key/value pairs, in order.
     */
    private static Map<String, Map<String, String>> readmeRelayFiles() throws IOException {
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        String heading = "\n### A Graphite cluster behind Lodestar relays\n";
        int start = readme.indexOf(heading);
        assertTrue(start >= 0, "README.md has no '" + heading.strip() + "'");
        // up to the next heading: the Kafka half of "Running a fleet" follows as a ### of its own
        int end = readme.length();
        for (String next : new String[] {"\n## ", "\n### "}) {
            int at = readme.indexOf(next, start + heading.length());
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String section = readme.substring(start, end);
        Map<String, Map<String, String>> files = new LinkedHashMap<>();
        java.util.regex.Pattern file = java.util.regex.Pattern.compile("`conf/([^`]+\\.cfg)`");
        int from = 0;
        for (int open = section.indexOf("```properties\n"); open >= 0; open = section.indexOf("```properties\n", from)) {
            int close = section.indexOf("```", open + 14);
            // the block belongs to the last conf/ file named between the previous block and this one
            java.util.regex.Matcher m = file.matcher(section.substring(from, open));
            String name = null;
            while (m.find()) {
                name = m.group(1);
            }
            assertTrue(name != null, "a properties block without its conf/ file in the README:\n" + section.substring(open, close));
            Map<String, String> props = new LinkedHashMap<>();
            for (String line : section.substring(open + 14, close).split("\n")) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    int eq = line.indexOf('=');
                    props.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            files.put(name, props);
            from = close + 3;
        }
        return files;
    }

    @BeforeAll
    void start() throws Exception {
        Path carbonCache = Tools.require("graphite-carbon", "carbon-cache");
        Path whisperFetch = Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py");
        for (String i : INSTANCES) {
            CarbonProcess c = new CarbonProcess(carbonCache, whisperFetch, Files.createDirectories(tmp.resolve("carbon-" + i)),
                    "10s:30m");
            c.start();
            caches.add(c);
        }
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        graphitePort = LodestarProcess.freePort();
        // the relay as the README configures it, on loopback and free ports: its listener, cluster sink and store
        readme = readmeRelayFiles();
        assertEquals(List.of("lodestar.sink.graphite-relay.cfg", LISTENER, CLUSTER, "lodestar.store.cfg"),
                new ArrayList<>(readme.keySet()), "the README's agent and relay files");
        Map<String, String> listener = new LinkedHashMap<>(readme.get(LISTENER));
        assertEquals("0.0.0.0", listener.put("bind", "127.0.0.1"), "the README's listener");
        assertEquals("2003", listener.put("port", "" + graphitePort));
        assertEquals("2004", listener.put("picklePort", "0"));
        lodestar.config(LISTENER, listener);
        lodestar.config("lodestar.store.cfg", readme.get("lodestar.store.cfg"));
        // carbon-c-relay's rules in the relay processor: every e2e series routed to cluster "graphite" (the sink takes
        // only those: its tagpass), and an aggregate straight to it (checked by the last test). In a .cfg file a
        // backslash is written twice.
        lodestar.config("lodestar.processor.relay-e2e.cfg", Map.of("rules", ("match ^e2e\\. send to graphite;"
                + " aggregate ^e2e\\.agg\\.([a-z]+)\\.n[0-9]+$ every 10 seconds expire after 5 seconds"
                + " compute sum write to e2e.aggsum.\\1 compute count write to e2e.aggcount.\\1 send to graphite stop;")
                .replace("\\", "\\\\")));
        ring("carbon_ch", 1);
        lodestar.start();
        for (String i : INSTANCES) {
            assertTrue(lodestar.awaitOutput("sink graphite-cluster-" + i + " started", 60_000), lodestar.output());
        }
        assertTrue(lodestar.awaitOutput("relay rules relay-e2e: 2 statements", 60_000), lodestar.output());
        long end = System.currentTimeMillis() + 60_000;
        while (!CarbonProcess.accepts(graphitePort)) {
            assertTrue(System.currentTimeMillis() < end, "the Graphite listener does not listen:\n" + lodestar.output());
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (CarbonCRelayProcess r : relays) {
            r.close();
        }
        if (lodestar != null) {
            lodestar.close();
        }
        for (CarbonProcess c : caches) {
            c.close();
        }
    }

    private String destinations() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < INSTANCES.length; i++) {
            b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(caches.get(i).linePort).append('=').append(INSTANCES[i]);
        }
        return b.toString();
    }

    /**
     * Writes the Lodestar relay's cluster sink, the README's file with its three destinations on this test's caches
     * (and the routing under test), as an operator would: FileInstall applies it live.
     */
    private void ring(String routing, int replication) throws IOException {
        Map<String, String> props = new LinkedHashMap<>(readme.get(CLUSTER));
        assertEquals("10.0.0.1:2003=a,10.0.0.2:2003=b,10.0.0.3:2003=c", props.put("destinations", destinations()),
                "the README's cluster");
        props.put("routing", routing);
        props.put("replicationFactor", "" + replication);
        // quicker than the README's production values, so the test's waits stay short; the relay rules' cluster
        props.putAll(Map.of("include", "e2e.**", "flushInterval", "200ms", "retryInitial", "200ms", "retryMax", "1s",
                "tagpass", "relay_to_graphite=*"));
        lodestar.config(CLUSTER, props);
    }

    private void reconfigure(String routing, int replication) throws Exception {
        long before = lodestar.countOutput("sink graphite-cluster-c started");
        ring(routing, replication);
        long end = System.currentTimeMillis() + 30_000;
        while (lodestar.countOutput("sink graphite-cluster-c started") == before) {
            assertTrue(System.currentTimeMillis() < end, "the ring was not reconfigured to " + routing + ":\n" + lodestar.output());
            Thread.sleep(100);
        }
        for (String i : INSTANCES) { // all three restarted: count lines
            while (lodestar.countOutput("sink graphite-cluster-" + i + " started") <= before) {
                assertTrue(System.currentTimeMillis() < end, lodestar.output());
                Thread.sleep(100);
            }
        }
    }

    private static void send(int port, List<String> names, long ts, int value) throws IOException {
        StringBuilder b = new StringBuilder(names.size() * 64);
        for (String n : names) {
            b.append(n).append(' ').append(value).append(' ').append(ts).append('\n');
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); OutputStream out = s.getOutputStream()) {
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** For every series, the caches holding a point at {@code ts}. */
    private Map<String, TreeSet<String>> placed(long ts) throws IOException {
        Map<String, TreeSet<String>> out = new HashMap<>();
        for (int c = 0; c < caches.size(); c++) {
            for (String n : names) {
                if (Whisper.points(caches.get(c).whisperFile(n)).containsKey(ts)) {
                    out.computeIfAbsent(n, k -> new TreeSet<>()).add(INSTANCES[c]);
                }
            }
        }
        return out;
    }

    private static int points(Map<String, TreeSet<String>> placed) {
        return placed.values().stream().mapToInt(TreeSet::size).sum();
    }

    /**
     * Waits until every series has {@code replication} points at {@code ts} on the caches (they write asynchronously),
     * reading again only the files of series still short of them.
     */
    private Map<String, TreeSet<String>> await(long ts, int replication, long seconds) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000;
        Map<String, TreeSet<String>> got = new HashMap<>();
        List<String> pending = new ArrayList<>(names);
        while (true) {
            List<String> still = new ArrayList<>();
            for (String n : pending) {
                TreeSet<String> on = got.computeIfAbsent(n, k -> new TreeSet<>());
                for (int c = 0; c < caches.size(); c++) {
                    if (!on.contains(INSTANCES[c]) && Whisper.points(caches.get(c).whisperFile(n)).containsKey(ts)) {
                        on.add(INSTANCES[c]);
                    }
                }
                if (on.size() < replication) {
                    still.add(n);
                }
            }
            pending = still;
            if (pending.isEmpty() || System.currentTimeMillis() > end) {
                return placed(ts); // once more in full: a point on a cache the ring does not give shows too
            }
            Thread.sleep(500);
        }
    }

    @Test
    @Order(1)
    void everySeriesLandsWhereCarbonCRelayPutsIt() throws Exception {
        // for the aggregate test at the end: 20 samples of e2e.agg.web.* in one 10 s bucket, stamped now
        aggBucket = System.currentTimeMillis() / 1000 / 10 * 10;
        List<String> agg = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            lines.append("e2e.agg.web.n").append(i).append(' ').append(i).append(' ').append(aggBucket).append('\n');
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), graphitePort)) {
            s.getOutputStream().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
        }
        Object[][] cases = {{"carbon_ch", 1}, {"carbon_ch", 2}, {"fnv1a_ch", 1}, {"jump_fnv1a_ch", 1}};
        Map<String, String> summary = new LinkedHashMap<>();
        for (int k = 0; k < cases.length; k++) {
            String routing = (String) cases[k][0];
            int replication = (Integer) cases[k][1];
            if (k > 0) {
                reconfigure(routing, replication);
            }
            StringBuilder conf = new StringBuilder("cluster ring ").append(routing).append(" replication ").append(replication);
            for (String d : destinations().split(",")) {
                conf.append(' ').append(d);
            }
            conf.append(";\nmatch * send to ring stop;\n");
            CarbonCRelayProcess relay = new CarbonCRelayProcess(Tools.require("carbon-c-relay", "carbon-c-relay"),
                    Files.createDirectories(tmp.resolve("relay-" + k)), conf.toString());
            relay.start();
            relays.add(relay);
            long tsRelay = base + 20L * k;
            long tsLodestar = tsRelay + 10;
            send(relay.port, names, tsRelay, 1);
            send(graphitePort, names, tsLodestar, 2);
            int expected = SERIES * replication;
            Map<String, TreeSet<String>> byRelay = await(tsRelay, replication, 60);
            Map<String, TreeSet<String>> byLodestar = await(tsLodestar, replication, 60);
            relay.stop();
            assertEquals(expected, points(byRelay), routing + " r" + replication + ": carbon-c-relay's points on the caches\n"
                    + relay.logTail());
            assertEquals(expected, points(byLodestar), routing + " r" + replication + ": Lodestar's points on the caches\n"
                    + lodestar.output());
            List<String> differ = new ArrayList<>();
            for (String n : names) {
                if (!byRelay.get(n).equals(byLodestar.get(n))) {
                    differ.add(n + ": carbon-c-relay " + byRelay.get(n) + ", Lodestar " + byLodestar.get(n));
                }
            }
            assertEquals(List.of(), differ.size() > 10 ? differ.subList(0, 10) : differ,
                    routing + " r" + replication + ": " + differ.size() + " series placed differently");
            int[] per = new int[3];
            byRelay.values().forEach(s -> s.forEach(i -> per[i.charAt(0) - 'a']++));
            summary.put(routing + " r" + replication, java.util.Arrays.toString(per));
            if (k == 0) {
                carbonCh = byRelay;
            }
        }
        System.out.println("GraphiteRelayIT: points per cache a,b,c, identical from both relays: " + summary);
    }

    @Test
    @Order(2)
    void aCacheThatIsDownGetsItsSeriesWhenBackAndNoOtherCacheDoes() throws Exception {
        assertTrue(carbonCh != null, "needs the carbon_ch placement of the first test");
        reconfigure("carbon_ch", 1);
        CarbonProcess b = caches.get(1);
        b.stop();
        long ts = base + 20L * 4;
        long t0 = System.currentTimeMillis();
        send(graphitePort, names, ts, 3);
        Thread.sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (System.currentTimeMillis() - t0)));
        Map<String, TreeSet<String>> meanwhile = placed(ts);
        assertTrue(meanwhile.values().stream().noneMatch(s -> s.contains("b")), "b is down");
        b.start();
        Map<String, TreeSet<String>> got = await(ts, 1, 90);
        assertEquals(SERIES, points(got), "every series arrived once after the outage\n" + lodestar.output());
        List<String> differ = new ArrayList<>();
        for (String n : names) {
            if (!carbonCh.get(n).equals(got.get(n))) {
                differ.add(n + ": ring " + carbonCh.get(n) + ", got " + got.get(n));
            }
        }
        assertEquals(List.of(), differ.size() > 10 ? differ.subList(0, 10) : differ, differ.size() + " series rerouted or lost");
        long onB = carbonCh.values().stream().filter(s -> s.contains("b")).count();
        assertTrue(onB > SERIES / 5, "b's share of the series was held back and replayed: " + onB);
        System.out.println("GraphiteRelayIT: " + onB + " series held back for " + OUTAGE_SECONDS + " s and replayed to b");
    }

    /**
     * The relay processor's aggregate (sent at the start of the first test): once its bucket expired, the processor
     * emits the sum and the count of the 20 samples exactly once each, at the end of the bucket (carbon-c-relay's
     * default), and they land where the ring in force at that moment puts them: one cache, or two when the bucket
     * expired while the first test had the ring at replication 2 (a matter of timing on a loaded machine).
     */
    @Test
    @Order(3)
    void anAggregateOfTheRelayRulesArrivesOnItsCache() throws Exception {
        assertTrue(aggBucket > 0, "needs the samples the first test sent");
        long end = System.currentTimeMillis() + 40_000;
        Map<String, Double> got = new TreeMap<>();
        while (System.currentTimeMillis() < end) {
            got.clear();
            for (int c = 0; c < caches.size(); c++) {
                for (String n : List.of("e2e.aggsum.web", "e2e.aggcount.web")) {
                    Double v = Whisper.points(caches.get(c).whisperFile(n)).get(aggBucket + 10);
                    if (v != null) {
                        got.put(n + "@" + INSTANCES[c], v);
                    }
                }
            }
            if (got.keySet().stream().map(k -> k.substring(0, k.indexOf('@'))).distinct().count() == 2) {
                break;
            }
            Thread.sleep(1000);
        }
        String status = lodestar.shell("lodestar:status");
        assertEquals(java.util.Set.of("e2e.aggsum.web", "e2e.aggcount.web"),
                got.keySet().stream().map(k -> k.substring(0, k.indexOf('@'))).collect(java.util.stream.Collectors.toSet()),
                "sum and count on the caches: " + got + "\n" + status);
        assertTrue(got.size() <= 4, "each on one cache, or two at replication 2: " + got);
        assertTrue(status.contains("aggregates_emitted=2,"), "the processor emitted the sum and the count once each:\n" + status);
        for (Map.Entry<String, Double> e : got.entrySet()) {
            assertEquals(e.getKey().startsWith("e2e.aggsum") ? 210.0 : 20.0, e.getValue(), e.getKey());
        }
    }
}
