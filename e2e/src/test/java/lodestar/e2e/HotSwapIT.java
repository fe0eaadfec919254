package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import lodestar.support.json.Json;
import lodestar.testkit.LineServer;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.servers.KairosDbServer;
import lodestar.testkit.servers.OpenTsdbServer;

/**
 * Hot swap under load (issue 17), the design's central promise: while 50,000 StatsD counter increments a second
 * arrive over TCP, the bundles of one sink (OpenTSDB), one listener (Graphite) and one beacon (system) are each
 * uninstalled, installed again and updated, first through the web console's bundle API (as its bundles page
 * does: basic authentication, origin and CSRF token), then through {@code deploy/} (a jar dropped, replaced,
 * deleted and dropped again). Meanwhile two other sinks, Graphite into an in-repo TCP peer that records every line
 * and KairosDB into the in-repo KairosDB API, must lose nothing: the sum of every {@code stats_counts} line they
 * receive equals the increments sent, exactly. Each swapped part resumes: the time from its bundle showing
 * {@code Active} to its first data at a peer is measured, printed (the figures go to BENCHMARKS.md) and bounded by
 * 5 s, generous for a loaded CI machine. The platform's log must hold no stack trace and no ERROR line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotSwapIT {

    private static final int RATE = 50_000;
    private static final int SERIES = 100;
    private static final long RESUME_BOUND_MS = 5_000;

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private ConsoleClient console;
    private LineServer carbon;
    private KairosDbServer kairos;
    private OpenTsdbServer opentsdb;
    private int statsdPort;
    private int graphitePort;
    /** the highest probe sequence number the Graphite peer received through the Graphite listener */
    private final AtomicLong probeSeen = new AtomicLong(-1);
    private final AtomicLong probeSent = new AtomicLong(-1);
    /** System.nanoTime() of the last system.* line the Graphite peer received (the system beacon's data) */
    private final AtomicLong systemSeenAt = new AtomicLong();
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        carbon = new LineServer();
        carbon.tap(line -> {
            if (line.startsWith("e2e.probe.g ")) {
                long seq = Long.parseLong(line.split(" ")[1]);
                probeSeen.accumulateAndGet(seq, Math::max);
            } else if (line.startsWith("system.")) {
                systemSeenAt.set(System.nanoTime());
            }
        });
        kairos = new KairosDbServer();
        opentsdb = new OpenTsdbServer();
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        statsdPort = LodestarProcess.freePort();
        graphitePort = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.statsd-load.cfg", Map.of("port", "" + statsdPort, "tcp", "true", "flushInterval", "500ms"));
        lodestar.config("lodestar.listener.graphite-probe.cfg", Map.of("port", "" + graphitePort, "udp", "true", "picklePort", "0"));
        lodestar.config("lodestar.beacon.system.cfg", Map.of("interval", "1s"));
        lodestar.config("lodestar.sink.graphite-peer.cfg", Map.of("port", "" + carbon.port, "flushInterval", "200ms",
                "include", "stats_counts.e2e.**,e2e.probe.**,system.**"));
        lodestar.config("lodestar.sink.kairosdb.cfg", Map.of("url", kairos.url(), "flushInterval", "200ms",
                "include", "stats_counts.e2e.**"));
        lodestar.config("lodestar.sink.opentsdb.cfg", Map.of("url", opentsdb.url(), "flushInterval", "200ms",
                "include", "stats_counts.e2e.**"));
        Files.createDirectories(home.resolve("deploy"));
        lodestar.start();
        console = new ConsoleClient(lodestar, lodestar.consolePassword());
        console.awaitReady();
        // every sink in the pipeline before the first increment: one that starts later never sees the earlier ones
        for (String s : List.of("graphite-peer", "kairosdb", "opentsdb")) {
            assertTrue(lodestar.awaitOutput("sink " + s + " started", 60_000), lodestar.output());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {carbon, kairos, opentsdb}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Timeout(150)
    void sinkListenerAndBeaconSwappedUnderLoadWhileTheOtherSinksLoseNothing() throws Exception {
        Load load = new Load();
        Probe probe = new Probe();
        load.start();
        probe.start();
        try {
            awaitTrue(20_000, () -> carbon.sum("stats_counts.e2e.hot.") > 0 && probeSeen.get() >= 0 && systemSeenAt.get() != 0,
                    "the Graphite peer receives increments, probes and host metrics at first");

            Part sink = new Part("lodestar.sink.opentsdb", this::sinkResumed, () -> opentsdb.clear());
            Part listener = new Part("lodestar.listener.graphite", this::listenerResumed, this::markListener);
            Part beacon = new Part("lodestar.beacon.system", this::beaconResumed, this::markBeacon);
            for (Part p : List.of(sink, listener, beacon)) {
                swapThroughConsole(p);
            }
            for (Part p : List.of(sink, listener, beacon)) {
                swapThroughDeploy(p);
            }
        } finally {
            load.finish();
            probe.finish();
        }
        assertTrue(load.error == null, "the load generator failed: " + load.error);
        long sent = load.sent.get();
        assertTrue(sent > 20L * RATE, "too little load to prove anything: " + sent);
        double rate = sent / (load.seconds());
        figures.add(String.format("load: %d increments in %.1f s (%.0f/s)", sent, load.seconds(), rate));

        // the last flush of the StatsD listener (500 ms) and of the sinks (200 ms): the sums must reach the count exactly
        awaitTrue(15_000, () -> carbon.sum("stats_counts.e2e.hot.") == sent && kairosSum() == sent,
                () -> "increments sent " + sent + ", summed at the Graphite peer " + (long) carbon.sum("stats_counts.e2e.hot.")
                        + ", at KairosDB " + (long) kairosSum() + "\n" + safeShell("lodestar:status"));
        Thread.sleep(1_500); // and nothing more arrives: a batch sent twice would add to the sums
        assertEquals(sent, (long) carbon.sum("stats_counts.e2e.hot."), "the Graphite peer: increments counted once each");
        assertEquals(sent, (long) kairosSum(), "KairosDB: increments counted once each");
        // (no check of identical lines: with a 500 ms flush and Graphite's whole-second timestamps, two flushes of
        // the same count within one second give the same line twice; the exact sums above see a batch sent twice)
        assertTrue(kairos.rejections().isEmpty(), "KairosDB rejected: " + kairos.rejections());
        assertTrue(opentsdb.rejections().isEmpty(), "OpenTSDB rejected: " + opentsdb.rejections());

        System.out.println("HotSwapIT figures:\n  " + String.join("\n  ", figures));
        assertLogClean();
    }

    /** Uninstall, install by upload (started), update by upload of a rebuilt jar: each through the console. */
    private void swapThroughConsole(Part p) throws Exception {
        long id = bundleId(p.bsn);
        assertEquals("[false,1]", bundleApi().action(id, "uninstall"), p.bsn + ": answer to uninstall");
        awaitTrue(5_000, () -> bundle(p.bsn) == null, p.bsn + " still listed after uninstall");

        long t0 = System.nanoTime();
        p.mark.run();
        HttpResponse<String> up = bundleApi().upload(p.jar(), true);
        assertEquals(302, up.statusCode(), p.bsn + ": upload answer " + up.body());
        resumed(p, "console install", t0);

        t0 = System.nanoTime();
        p.mark.run();
        assertEquals(302, bundleApi().upload(ConsoleBundleApi.withHeader(p.jar(), "X-Lodestar-Build", UUID.randomUUID().toString()), true).statusCode());
        // an update stops and starts the bundle: wait for it to have gone through that before measuring
        awaitTrue(10_000, () -> p.headerChanged(), p.bsn + " not updated");
        p.mark.run(); // the old bundle's last data may land after the upload: only what comes after the update counts
        resumed(p, "console update", t0);
    }

    /**
     * The console uninstalls the bundle the platform came with (FileInstall only manages what it installed), then
     * the jar is dropped into deploy/, replaced by a rebuilt one, deleted (the part stops) and dropped again.
     */
    private void swapThroughDeploy(Part p) throws Exception {
        assertEquals("[false,1]", bundleApi().action(bundleId(p.bsn), "uninstall"), p.bsn + ": answer to uninstall");
        awaitTrue(5_000, () -> bundle(p.bsn) == null, p.bsn + " still listed after uninstall");
        Path dropped = home.resolve("deploy").resolve(p.bsn + ".jar");

        long t0 = System.nanoTime();
        p.mark.run();
        drop(p.jar(), dropped);
        resumed(p, "deploy/ drop", t0);

        t0 = System.nanoTime();
        p.mark.run();
        drop(ConsoleBundleApi.withHeader(p.jar(), "X-Lodestar-Build", UUID.randomUUID().toString()), dropped);
        awaitTrue(10_000, () -> p.headerChanged(), p.bsn + " not updated from deploy/");
        p.mark.run();
        resumed(p, "deploy/ replace", t0);

        Files.delete(dropped);
        awaitTrue(10_000, () -> bundle(p.bsn) == null, p.bsn + " still installed after its jar left deploy/");

        t0 = System.nanoTime();
        p.mark.run();
        drop(p.jar(), dropped);
        resumed(p, "deploy/ drop again", t0);
    }

    /** Written beside and renamed: FileInstall must never see half a jar. */
    private static void drop(Path jar, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Waits for the bundle to be Active, then for the part's first data at its peer; records both times (from
     * the operator's action, and from Active).
     */
    private void resumed(Part p, String how, long t0) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        long active = 0;
        while (System.nanoTime() < end) {
            Map<String, Object> b = bundle(p.bsn);
            if (b != null && "Active".equals(b.get("state"))) {
                active = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(active != 0, p.bsn + " (" + how + ") not Active within 20 s: " + bundle(p.bsn) + "\n" + lodestar.output());
        long data = 0;
        while (System.nanoTime() < active + 20_000_000_000L) {
            if (p.resumed.getAsBoolean()) {
                data = System.nanoTime();
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(data != 0, p.bsn + " (" + how + ") Active but no data at its peer within 20 s\n" + safeShell("lodestar:status"));
        long fromActive = (data - active) / 1_000_000;
        long fromAction = (data - t0) / 1_000_000;
        figures.add(String.format("%-28s %-20s resumed %5d ms after Active, %5d ms after the action", p.bsn, how, fromActive, fromAction));
        System.out.println("HotSwapIT: " + figures.get(figures.size() - 1));
        assertTrue(fromActive <= RESUME_BOUND_MS, p.bsn + " (" + how + ") resumed " + fromActive + " ms after Active");
        p.rememberHeader();
    }

    // --- the parts and how each shows it works

    /** The OpenTSDB sink receives the listener's flush again. */
    private boolean sinkResumed() {
        return !opentsdb.points(pt -> pt.name().startsWith("stats_counts.e2e.hot.")).isEmpty();
    }

    private volatile long listenerMark;

    private void markListener() {
        listenerMark = probeSent.get() + 1;
    }

    /** A probe sent through the Graphite listener after the mark reached the Graphite peer. */
    private boolean listenerResumed() {
        return probeSeen.get() >= listenerMark;
    }

    private volatile long beaconMark;

    private void markBeacon() {
        beaconMark = System.nanoTime();
    }

    /** Host metrics reach the Graphite peer again. */
    private boolean beaconResumed() {
        return systemSeenAt.get() > beaconMark;
    }

    private final class Part {
        final String bsn;
        final BooleanSupplier resumed;
        final Runnable mark;
        private String lastHeader;

        Part(String bsn, BooleanSupplier resumed, Runnable mark) {
            this.bsn = bsn;
            this.resumed = resumed;
            this.mark = mark;
        }

        Path jar() throws IOException {
            return ConsoleBundleApi.bundleJar(bsn);
        }

        void rememberHeader() throws IOException, InterruptedException {
            lastHeader = header(bundleId(bsn), "X-Lodestar-Build");
        }

        boolean headerChanged() throws IOException, InterruptedException {
            Map<String, Object> b = bundle(bsn);
            if (b == null) {
                return false;
            }
            String h = header(((Number) b.get("id")).longValue(), "X-Lodestar-Build");
            return h != null && !h.equals(lastHeader);
        }
    }

    /** 50,000 counter increments a second over one StatsD TCP connection, 100 series, until finished. */
    private final class Load extends Thread {
        final AtomicLong sent = new AtomicLong();
        volatile boolean stop;
        volatile Exception error;
        private long t0;
        private long t1;

        Load() {
            super("hotswap-load");
            setDaemon(true);
        }

        @Override
        public void run() {
            int perTick = RATE / 100; // every 10 ms
            StringBuilder b = new StringBuilder(perTick * 20);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), statsdPort); OutputStream out = s.getOutputStream()) {
                t0 = System.nanoTime();
                long tick = 0;
                long n = 0;
                while (!stop) {
                    long wait = t0 + tick * 10_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    b.setLength(0);
                    for (int j = 0; j < perTick; j++, n++) {
                        b.append("e2e.hot.c").append(n % SERIES).append(":1|c\n");
                    }
                    out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                    sent.set(n);
                    tick++;
                }
                out.flush();
                t1 = System.nanoTime();
            } catch (Exception e) {
                error = e;
            }
        }

        double seconds() {
            return (t1 - t0) / 1e9;
        }

        void finish() throws InterruptedException {
            stop = true;
            join(10_000);
        }
    }

    /** A Graphite plaintext line through the Graphite listener's UDP port every 20 ms, its value a sequence number. */
    private final class Probe extends Thread {
        volatile boolean stop;

        Probe() {
            super("hotswap-probe");
            setDaemon(true);
        }

        @Override
        public void run() {
            try (DatagramSocket s = new DatagramSocket()) {
                InetAddress lo = InetAddress.getLoopbackAddress();
                for (long seq = 0; !stop; seq++) {
                    byte[] b = ("e2e.probe.g " + seq + " " + System.currentTimeMillis() / 1000 + "\n").getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(b, b.length, lo, graphitePort));
                    probeSent.set(seq);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                // finished, or the test fails on the listener's resumption
            }
        }

        void finish() throws InterruptedException {
            stop = true;
            join(5_000);
        }
    }

    private double kairosSum() {
        return kairos.points(pt -> pt.name().startsWith("stats_counts.e2e.hot.")).stream().mapToDouble(pt -> pt.value()).sum();
    }

    /**
     * No stack trace and no ERROR or WARN line from the platform: every swap is a normal operation. The lines a
     * swap is expected to print (bundles, sinks and beacons coming and going) are INFO (a kernel-capped default UDP
     * receive buffer too, in every UDP listener: a WARN only when the operator chose the size). One
     * ERROR with its stack trace is Felix's own and known: the web console's upload with "start" and a start level
     * (what its bundles page sends) starts the bundle from the request while the framework's start-level thread
     * starts it too; the second finds the resolver's global lock taken and logs {@code Unable to acquire global lock
     * for resolve}. The bundle is started either way (the test has just measured it delivering); it is counted and
     * printed, not failed on.
     */
    private void assertLogClean() {
        Pattern bad = Pattern.compile("ERROR|Exception|^\\s+at |WARN");
        Pattern felixRace = Pattern.compile("^ERROR: Bundle lodestar\\.\\S+ \\[\\d+\\] Error starting/stopping bundle\\."
                + " \\(org\\.osgi\\.framework\\.BundleException: Unable to acquire global lock for resolve\\.");
        Pattern itsTrace = Pattern.compile("^(\\s+at (org\\.apache\\.felix\\.framework\\.|java\\.base/java\\.lang\\.Thread\\.run)"
                + "|org\\.osgi\\.framework\\.BundleException: Unable to acquire global lock for resolve\\.)");
        List<String> lines = new ArrayList<>();
        int races = 0;
        boolean inRace = false;
        for (String l : lodestar.output().lines().toList()) {
            if (felixRace.matcher(l).find()) {
                races++;
                inRace = true;
                continue;
            }
            if (inRace && itsTrace.matcher(l).find()) {
                continue;
            }
            inRace = false;
            if (bad.matcher(l).find()) {
                lines.add(l);
            }
        }
        figures.add("Felix's start-level race on a console upload with start (ERROR + stack trace, bundle started): " + races);
        System.out.println("HotSwapIT: " + figures.get(figures.size() - 1));
        assertTrue(lines.isEmpty(), "unexpected lines in the platform's log:\n" + String.join("\n", lines.subList(0, Math.min(40, lines.size()))));
    }

    private String safeShell(String cmd) {
        try {
            return lodestar.shell(cmd);
        } catch (IOException e) {
            return "(shell: " + e + ")";
        }
    }

    private static void awaitTrue(long millis, Eventually.Condition c, String why) throws Exception {
        assertTrue(Eventually.within(millis, c), why);
    }

    private static void awaitTrue(long millis, Eventually.Condition c, java.util.function.Supplier<String> why) throws Exception {
        assertTrue(Eventually.within(millis, c), why);
    }

    // --- the console's bundle API, as ConsoleBundlesIT drives it

    private Map<String, Object> bundle(String bsn) throws IOException, InterruptedException {
        HttpResponse<String> r = console.get("/system/console/bundles.json");
        assertEquals(200, r.statusCode(), r.body());
        return Json.array(Json.object(Json.parse(r.body())).get("data")).stream().map(Json::object)
                .filter(b -> bsn.equals(b.get("symbolicName"))).findFirst().orElse(null);
    }

    private long bundleId(String bsn) throws IOException, InterruptedException {
        Map<String, Object> b = bundle(bsn);
        assertNotNull(b, bsn + " is not installed");
        return ((Number) b.get("id")).longValue();
    }

    private String header(long id, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = console.get("/system/console/bundles/" + id + ".json");
        if (r.statusCode() != 200) {
            return null;
        }
        for (Object o : Json.array(Json.object(Json.parse(r.body())).get("data"))) {
            for (Object p : Json.array(Json.object(o).getOrDefault("props", List.of()))) {
                Map<String, Object> prop = Json.object(p);
                if ("Manifest Headers".equals(prop.get("key"))) {
                    for (Object line : Json.array(prop.get("value"))) {
                        String s = String.valueOf(line);
                        if (s.startsWith(name + ": ")) {
                            return s.substring(name.length() + 2);
                        }
                    }
                }
            }
        }
        return null;
    }

    /** The web console's bundle API as its bundles page uses it, with this test's console session. */
    private ConsoleBundleApi bundleApi() {
        return new ConsoleBundleApi(console);
    }
}
