package lodestar.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import lodestar.testkit.LineServer;
import lodestar.testkit.LodestarProcess;

/**
 * The soak of issue 17: the real platform jar for {@code minutes}, fed {@code rate} samples a second (three
 * quarters StatsD counter increments over TCP, one quarter collectd gauge values over UDP), into the embedded store
 * and two Graphite sinks writing to in-process TCP peers that count what they receive; the second peer is stopped
 * for {@code down} seconds every {@code cycle} minutes (the sink spills to its disk buffer and catches up). Every
 * 10 s it samples the platform's resident memory, open file descriptors and threads from {@code /proc/<pid>}; GC
 * pauses come from the platform's {@code -Xlog:gc} file. At the end it waits for the peers to catch up, counts what
 * was lost at each (StatsD: the sum of the {@code stats_counts} lines against the increments sent; collectd: lines
 * against values sent), writes a report and draws a PNG plot with Java2D into {@code out}.
 *
 * <p>{@code benchmarks/run soak [minutes=30] [rate=20000] [cycle=5] [down=60] [heap=256m] [out=benchmarks/results]}
 */
public final class Soak {

    private static final int STATSD_SERIES = 200;
    private static final int COLLECTD_SERIES = 100;

    private final double minutes;
    private final int rate;
    private final double cycleMinutes;
    private final int downSeconds;
    private final String heap;
    private final Path out;

    private final DoubleAdder[] statsdSum = {new DoubleAdder(), new DoubleAdder()};
    private final AtomicLong[] collectdLines = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong statsdSent = new AtomicLong();
    private final AtomicLong collectdSent = new AtomicLong();
    private volatile boolean stop;

    private record Point(double minute, long rssKb, int fds, int threads, long lostA, long lostB, boolean bDown) {
    }

    private Soak(Map<String, String> a) {
        minutes = Double.parseDouble(a.getOrDefault("minutes", "30"));
        rate = Integer.parseInt(a.getOrDefault("rate", "20000"));
        cycleMinutes = Double.parseDouble(a.getOrDefault("cycle", "5"));
        downSeconds = Integer.parseInt(a.getOrDefault("down", "60"));
        heap = a.getOrDefault("heap", "256m");
        out = Path.of(a.getOrDefault("out", "benchmarks/results"));
    }

    public static void main(String[] args) throws Exception {
        new Soak(Args.parse(args)).run();
    }

    private void run() throws Exception {
        LineServer[] peers = {new LineServer(LodestarProcess.freePort(), false), new LineServer(LodestarProcess.freePort(), false)};
        for (int i = 0; i < 2; i++) {
            int p = i;
            peers[i].tap(line -> {
                if (line.startsWith("stats_counts.soak.")) {
                    int a = line.indexOf(' ');
                    int b = line.indexOf(' ', a + 1);
                    statsdSum[p].add(Double.parseDouble(line.substring(a + 1, b)));
                } else if (line.startsWith("collectd.soak.")) {
                    collectdLines[p].incrementAndGet();
                }
            });
        }
        Path home = LodestarProcess.tempDir();
        Path gcLog = home.resolve("gc.log");
        LodestarProcess lodestar = new LodestarProcess(LodestarProcess.builtJar(), home,
                List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":uptime"));
        int statsdPort = LodestarProcess.freePort();
        int collectdPort = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.statsd-soak.cfg", Map.of("port", "" + statsdPort, "tcp", "true", "flushInterval", "1s"));
        lodestar.config("lodestar.listener.collectd-soak.cfg", Map.of("port", "" + collectdPort));
        String include = "stats_counts.soak.**,collectd.soak.**";
        lodestar.config("lodestar.sink.graphite-a.cfg", Map.of("port", "" + peers[0].port, "include", include, "flushInterval", "500ms"));
        lodestar.config("lodestar.sink.graphite-b.cfg", Map.of("port", "" + peers[1].port, "include", include, "flushInterval", "500ms",
                "bufferDisk", "512MB", "retryInitial", "200ms", "retryMax", "2s"));
        lodestar.start();
        for (String s : List.of("graphite-a", "graphite-b")) {
            if (!lodestar.awaitOutput("sink " + s + " started", 90_000)) {
                throw new IllegalStateException("the platform did not start:\n" + lodestar.output());
            }
        }
        Thread.sleep(3_000); // the listeners bind after the sinks
        long pid = lodestar.pid();
        System.out.printf("soak: platform pid %d, home %s, %d samples/s for %.1f min; peer b down %d s every %.1f min%n",
                pid, home, rate, minutes, downSeconds, cycleMinutes);

        Thread statsd = new Thread(() -> statsd(statsdPort, rate * 3 / 4), "soak-statsd");
        Thread collectd = new Thread(() -> collectd(collectdPort, rate - rate * 3 / 4), "soak-collectd");
        statsd.start();
        collectd.start();

        List<Point> points = new ArrayList<>();
        List<double[]> downs = new ArrayList<>();
        long t0 = System.nanoTime();
        long endNanos = t0 + (long) (minutes * 60e9);
        long cycleNanos = (long) (cycleMinutes * 60e9);
        long nextDown = t0 + cycleNanos;
        long upAgain = Long.MAX_VALUE;
        long nextSample = t0;
        while (System.nanoTime() < endNanos) {
            long now = System.nanoTime();
            if (now >= nextDown && upAgain == Long.MAX_VALUE) {
                peers[1].stop();
                upAgain = now + downSeconds * 1_000_000_000L;
                downs.add(new double[] {(now - t0) / 60e9, (upAgain - t0) / 60e9});
                System.out.printf("soak: %.1f min: peer b down%n", (now - t0) / 60e9);
            }
            if (now >= upAgain) {
                peers[1].start();
                upAgain = Long.MAX_VALUE;
                nextDown += cycleNanos;
                System.out.printf("soak: %.1f min: peer b up%n", (now - t0) / 60e9);
            }
            if (now >= nextSample) {
                Point p = sample(pid, (now - t0) / 60e9, peers[1].isRunning() ? false : true);
                points.add(p);
                System.out.printf("soak: %5.1f min rss %d MB, fds %d, threads %d, behind a %d, behind b %d%n", p.minute,
                        p.rssKb / 1024, p.fds, p.threads, p.lostA, p.lostB);
                nextSample += 10_000_000_000L;
            }
            if (!lodestar.isAlive()) {
                throw new IllegalStateException("the platform died:\n" + lodestar.output());
            }
            Thread.sleep(200);
        }
        stop = true;
        statsd.join(10_000);
        collectd.join(10_000);
        peers[1].start();
        // both peers catch up: the listeners' last flush, peer b's disk backlog
        long drainEnd = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < drainEnd && (behind(0) > 0 || behind(1) > 0)) {
            Thread.sleep(1_000);
        }
        Thread.sleep(3_000);
        Point last = sample(pid, (System.nanoTime() - t0) / 60e9, false);
        points.add(last);
        String status = lodestar.shell("lodestar:status");
        lodestar.stop(30_000);

        double[] pauses = gcPauses(gcLog);
        double[] sorted = pauses.clone();
        Arrays.sort(sorted);
        String date = LocalDate.now().toString();
        Files.createDirectories(out);
        Path png = out.resolve(date + "-soak.png");
        draw(points, downs, sorted, png);
        StringBuilder r = new StringBuilder();
        r.append(String.format("soak %s: %.1f min at %d samples/s (StatsD %d/s over TCP into %d counters, collectd %d/s over UDP"
                + " into %d gauges), platform -Xmx%s, peer b down %d s every %.1f min%n", date, minutes, rate, rate * 3 / 4,
                STATSD_SERIES, rate - rate * 3 / 4, COLLECTD_SERIES, heap, downSeconds, cycleMinutes));
        r.append(String.format("sent: %d StatsD increments, %d collectd values%n", statsdSent.get(), collectdSent.get()));
        for (int i = 0; i < 2; i++) {
            r.append(String.format("peer %s: StatsD increments summed %d (lost %d), collectd values %d (lost %d)%n", i == 0 ? "a" : "b",
                    (long) statsdSum[i].sum(), statsdSent.get() - (long) statsdSum[i].sum(), collectdLines[i].get(),
                    collectdSent.get() - collectdLines[i].get()));
        }
        Point first = points.get(Math.min(6, points.size() - 1)); // after the first minute: the JVM warmed up
        r.append(String.format("rss: %d MB at 1 min, %d MB at the end, max %d MB%n", first.rssKb / 1024, last.rssKb / 1024,
                points.stream().mapToLong(Point::rssKb).max().orElse(0) / 1024));
        r.append(String.format("open fds: %d at 1 min, %d at the end, max %d%n", first.fds, last.fds,
                points.stream().mapToInt(Point::fds).max().orElse(0)));
        r.append(String.format("threads: %d at 1 min, %d at the end, max %d%n", first.threads, last.threads,
                points.stream().mapToInt(Point::threads).max().orElse(0)));
        r.append(String.format("GC pauses: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", sorted.length, pct(sorted, 50),
                pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        r.append("plot: ").append(png).append('\n');
        r.append("lodestar:status at the end:\n").append(status).append('\n');
        Files.writeString(out.resolve(date + "-soak.txt"), r.toString());
        System.out.print(r);
        for (LineServer p : peers) {
            p.close();
        }
    }

    /** Samples sent that peer {@code i} has not received (yet): lag while running, loss at the end. */
    private long behind(int i) {
        return (statsdSent.get() - (long) statsdSum[i].sum()) + (collectdSent.get() - collectdLines[i].get());
    }

    private Point sample(long pid, double minute, boolean bDown) throws IOException {
        long rss = 0;
        int threads = 0;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                rss = Long.parseLong(l.replaceAll("[^0-9]", ""));
            } else if (l.startsWith("Threads:")) {
                threads = Integer.parseInt(l.replaceAll("[^0-9]", ""));
            }
        }
        int fds;
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) s.count();
        }
        return new Point(minute, rss, fds, threads, behind(0), behind(1), bDown);
    }

    /** Counter increments over one TCP connection, {@code perSecond} a second, in 10 ms ticks. */
    private void statsd(int port, int perSecond) {
        int perTick = perSecond / 100;
        StringBuilder b = new StringBuilder(perTick * 24);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); OutputStream o = s.getOutputStream()) {
            long t0 = System.nanoTime();
            long n = 0;
            for (long tick = 0; !stop; tick++) {
                long wait = t0 + tick * 10_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                b.setLength(0);
                for (int j = 0; j < perTick; j++, n++) {
                    b.append("soak.c").append(n % STATSD_SERIES).append(":1|c\n");
                }
                o.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                statsdSent.addAndGet(perTick);
            }
            o.flush();
        } catch (IOException | InterruptedException e) {
            System.err.println("soak: StatsD sender stopped: " + e);
        }
    }

    /** collectd gauge values, {@code perSecond} a second, 25 values per datagram, each value its sequence number. */
    private void collectd(int port, int perSecond) {
        int perTick = perSecond / 100;
        try (DatagramSocket s = new DatagramSocket()) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            long t0 = System.nanoTime();
            double startWall = System.currentTimeMillis() / 1000.0;
            long seq = 0;
            for (long tick = 0; !stop; tick++) {
                long wait = t0 + tick * 10_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                for (int sent = 0; sent < perTick; ) {
                    ByteArrayOutputStream p = new ByteArrayOutputStream(1400);
                    string(p, 0x0000, "soak");
                    string(p, 0x0002, "soak");
                    string(p, 0x0004, "gauge");
                    int n = Math.min(25, perTick - sent);
                    for (int j = 0; j < n; j++, seq++) {
                        // per series a time strictly after its previous one, keeping pace with the clock
                        double perSeries = (double) perSecond / COLLECTD_SERIES;
                        number(p, 0x0008, (long) ((startWall + (seq / COLLECTD_SERIES) / perSeries) * (1L << 30)));
                        string(p, 0x0005, "g" + (seq % COLLECTD_SERIES));
                        ByteBuffer v = ByteBuffer.allocate(15);
                        v.putShort((short) 0x0006).putShort((short) 15).putShort((short) 1).put((byte) 1);
                        v.order(ByteOrder.LITTLE_ENDIAN).putDouble(seq);
                        p.write(v.array(), 0, 15);
                    }
                    byte[] d = p.toByteArray();
                    s.send(new DatagramPacket(d, d.length, lo, port));
                    sent += n;
                    collectdSent.addAndGet(n);
                }
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("soak: collectd sender stopped: " + e);
        }
    }

    private static void string(ByteArrayOutputStream p, int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer h = ByteBuffer.allocate(4 + b.length + 1);
        h.putShort((short) type).putShort((short) (4 + b.length + 1)).put(b).put((byte) 0);
        p.write(h.array(), 0, h.capacity());
    }

    private static void number(ByteArrayOutputStream p, int type, long v) {
        ByteBuffer h = ByteBuffer.allocate(12);
        h.putShort((short) type).putShort((short) 12).putLong(v);
        p.write(h.array(), 0, 12);
    }

    /** The pause times in ms of a {@code -Xlog:gc} file ({@code [12.345s] GC(7) Pause Young ... 3.210ms}). */
    static double[] gcPauses(Path log) throws IOException {
        if (!Files.exists(log)) {
            return new double[0];
        }
        Pattern p = Pattern.compile("Pause.* (\\d+(?:\\.\\d+)?)ms$");
        List<Double> l = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = p.matcher(line.trim());
            if (m.find()) {
                l.add(Double.parseDouble(m.group(1)));
            }
        }
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Four panels over time (RSS, fds, threads, samples behind at each peer) and the GC pause distribution. */
    static void draw(List<Point> pts, List<double[]> downs, double[] pauses, Path png) throws IOException {
        int w = 1000;
        int ph = 170;
        int h = 40 + 5 * (ph + 30);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Lodestar soak: shaded = peer b down (its sink spills to disk)", 60, 22);
        double maxMin = pts.isEmpty() ? 1 : pts.get(pts.size() - 1).minute();
        String[] titles = {"resident memory (MB)", "open file descriptors", "threads", "samples not yet at the peer (a: blue, b: red)"};
        for (int k = 0; k < 4; k++) {
            int top = 40 + k * (ph + 30);
            double max = 1;
            for (Point p : pts) {
                max = Math.max(max, value(p, k, false));
                if (k == 3) {
                    max = Math.max(max, value(p, k, true));
                }
            }
            max *= 1.1;
            panel(g, top, w, ph, titles[k], max, maxMin, downs);
            for (int series = 0; series < (k == 3 ? 2 : 1); series++) {
                g.setColor(series == 0 ? new Color(30, 80, 200) : new Color(200, 40, 40));
                g.setStroke(new BasicStroke(1.6f));
                int px = -1;
                int py = -1;
                for (Point p : pts) {
                    int x = 60 + (int) ((w - 80) * p.minute() / maxMin);
                    int y = top + ph - (int) (ph * value(p, k, series == 1) / max);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
            }
        }
        // GC pauses: the sorted distribution, p50/p99 marked
        int top = 40 + 4 * (ph + 30);
        double max = pauses.length == 0 ? 1 : pauses[pauses.length - 1] * 1.1;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(60, top, w - 80, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format("GC pauses (ms), sorted: %d pauses, p50 %.2f, p99 %.2f, max %.2f", pauses.length,
                pct(pauses, 50), pct(pauses, 99), pauses.length == 0 ? 0 : pauses[pauses.length - 1]), 64, top - 4);
        g.drawString(String.format("%.1f", max), 4, top + 10);
        g.drawString("0", 40, top + ph);
        g.setColor(new Color(20, 140, 60));
        for (int i = 0; i < pauses.length; i++) {
            int x = 60 + (int) ((w - 80) * (i + 0.5) / pauses.length);
            int y = top + ph - (int) (ph * pauses[i] / max);
            g.fillRect(x, y, 2, 2);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static double value(Point p, int k, boolean second) {
        return switch (k) {
            case 0 -> p.rssKb() / 1024.0;
            case 1 -> p.fds();
            case 2 -> p.threads();
            default -> Math.max(0, second ? p.lostB() : p.lostA());
        };
    }

    private static void panel(Graphics2D g, int top, int w, int ph, String title, double max, double maxMin, List<double[]> downs) {
        g.setColor(new Color(235, 235, 235));
        for (double[] d : downs) {
            int x0 = 60 + (int) ((w - 80) * d[0] / maxMin);
            int x1 = 60 + (int) ((w - 80) * Math.min(d[1], maxMin) / maxMin);
            g.fillRect(x0, top, Math.max(1, x1 - x0), ph);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(60, top, w - 80, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title, 64, top - 4);
        g.drawString(String.format("%.0f", max), 4, top + 10);
        g.drawString("0", 40, top + ph);
        g.drawString(String.format("%.1f min", maxMin), w - 70, top + ph + 14);
    }
}
