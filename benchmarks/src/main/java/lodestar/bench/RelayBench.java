package lodestar.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import lodestar.testkit.CarbonCRelayProcess;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.Tools;

/**
 * One relay's throughput through a Graphite ring: the same plaintext lines sent over one TCP connection to
 * carbon-c-relay and to the platform jar (Graphite listener -> Graphite sink with {@code destinations=}, carbon_ch),
 * both feeding the same three line-counting receivers on loopback (stand-ins for carbon-caches, which could not keep
 * up with either). A run's time goes from the first byte sent to the last line received; a run that loses lines
 * says so. Alternates the two relays, {@code runs} times each, and prints medians and the ratio.
 *
 * <p>{@code benchmarks/run relay [lines=N] [series=N] [runs=N] [heap=512m]}
 */
public final class RelayBench {

    private static final class Receiver implements AutoCloseable {
        final ServerSocket server;
        final AtomicLong lines = new AtomicLong();
        final List<Socket> open = new ArrayList<>();

        Receiver() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "receiver-" + server.getLocalPort());
            t.setDaemon(true);
            t.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (open) {
                        open.add(s);
                    }
                    Thread t = new Thread(() -> count(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void count(Socket s) {
            byte[] buf = new byte[256 * 1024];
            try (InputStream in = s.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    long c = 0;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            c++;
                        }
                    }
                    lines.addAndGet(c);
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = Args.parse(argv);
        int lines = Integer.parseInt(a.getOrDefault("lines", "2000000"));
        int series = Integer.parseInt(a.getOrDefault("series", "100000"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        String heap = a.getOrDefault("heap", "512m");
        long ts = System.currentTimeMillis() / 1000;
        StringBuilder b = new StringBuilder(lines * 40);
        for (int i = 0; i < lines; i++) {
            b.append("bench.host").append(i % series % 500).append(".metric").append(i % series).append(' ')
                    .append(i).append(' ').append(ts).append('\n');
        }
        byte[] payload = b.toString().getBytes(StandardCharsets.US_ASCII);
        b = null;
        Path tmp = Files.createTempDirectory("lodestar-relaybench");
        Receiver[] receivers = {new Receiver(), new Receiver(), new Receiver()};
        String destinations = "127.0.0.1:" + receivers[0].server.getLocalPort() + "=a,127.0.0.1:"
                + receivers[1].server.getLocalPort() + "=b,127.0.0.1:" + receivers[2].server.getLocalPort() + "=c";

        CarbonCRelayProcess relay = new CarbonCRelayProcess(Tools.require("carbon-c-relay", "carbon-c-relay"),
                Files.createDirectories(tmp.resolve("relay")), "cluster ring carbon_ch replication 1 "
                        + destinations.replace(',', ' ') + ";\nmatch * send to ring stop;\n");
        LodestarProcess lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")),
                List.of("-Xms" + heap, "-Xmx" + heap));
        int port = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.graphite-in.cfg", Map.of("port", "" + port, "udp", "false", "picklePort", "0"));
        lodestar.config("lodestar.sink.graphite-ring.cfg", Map.of("destinations", destinations, "routing", "carbon_ch",
                "include", "bench.**", "batchSize", "5000", "flushInterval", "100ms", "bufferMemory", "128MB"));
        // a relay keeps no history itself: the store takes only Lodestar's own metrics here
        lodestar.config("lodestar.store.cfg", Map.of("include", "lodestar.**"));
        relay.start();
        lodestar.start();
        for (String i : new String[] {"a", "b", "c"}) {
            if (!lodestar.awaitOutput("sink graphite-ring-" + i + " started", 60_000)) {
                throw new IllegalStateException("Lodestar did not start its ring:\n" + lodestar.output());
            }
        }
        while (!CarbonCRelayProcess.accepts(port)) {
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "relay benchmark: %,d lines of %,d series, carbon_ch over 3 destinations, %d runs each%n",
                lines, series, runs);
        double[] crelay = new double[runs];
        double[] lode = new double[runs];
        try {
            run(payload, lines, port, receivers, "warm-up Lodestar");
            for (int r = 0; r < runs; r++) {
                crelay[r] = run(payload, lines, relay.port, receivers, "carbon-c-relay run " + (r + 1));
                lode[r] = run(payload, lines, port, receivers, "Lodestar run " + (r + 1));
            }
        } finally {
            relay.close();
            lodestar.close();
            for (Receiver x : receivers) {
                x.close();
            }
        }
        double mc = median(crelay);
        double ml = median(lode);
        System.out.printf(Locale.ROOT, "median lines/s: carbon-c-relay %,.0f, Lodestar %,.0f, Lodestar/carbon-c-relay %.2f%n",
                mc, ml, ml / mc);
    }

    /** Lines per second from the first byte sent to the last line received; -1 if lines were lost. */
    private static double run(byte[] payload, int lines, int port, Receiver[] receivers, String label) throws Exception {
        long before = Arrays.stream(receivers).mapToLong(r -> r.lines.get()).sum();
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); OutputStream out = s.getOutputStream()) {
            for (int off = 0; off < payload.length; off += 1 << 20) {
                out.write(payload, off, Math.min(1 << 20, payload.length - off));
            }
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        long got = 0;
        long lastChange = System.nanoTime();
        long last = -1;
        while (System.nanoTime() < deadline) {
            got = Arrays.stream(receivers).mapToLong(r -> r.lines.get()).sum() - before;
            if (got >= lines) {
                break;
            }
            if (got != last) {
                last = got;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 10_000_000_000L) {
                break; // nothing more for 10 s: lost
            }
            Thread.sleep(2);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (got < lines) {
            System.out.printf(Locale.ROOT, "  %-24s LOST %,d of %,d lines%n", label, lines - got, lines);
            Thread.sleep(2000);
            return -1;
        }
        double rate = lines / seconds;
        System.out.printf(Locale.ROOT, "  %-24s %,d lines in %.2f s: %,.0f lines/s%n", label, lines, seconds, rate);
        Thread.sleep(1000); // let both settle before the next run
        return rate;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
