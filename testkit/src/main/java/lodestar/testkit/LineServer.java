package lodestar.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A backend that records every line it receives over TCP, on a loopback port that stays the same across
 * {@link #stop()} and {@link #start()}: Carbon's plaintext protocol as the Graphite sink speaks it, with nothing
 * aggregated or overwritten, so a test sees duplicates and losses alike (Carbon keeps one value per series and
 * second and cannot show either). Lines are counted by their exact text; a test that makes every line unique
 * (a sequence number as the value) reads duplicates off {@link #duplicates()}.
 */
public final class LineServer implements AutoCloseable {

    public final int port;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicLong lines = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private volatile java.util.function.Consumer<String> tap = l -> { };

    /** whether lines are kept (else only counted and tapped: a soak of hours would not fit in memory) */
    private final boolean record;

    /** Listens on a free loopback port at once. */
    public LineServer() throws IOException {
        this(LodestarProcess.freePort(), true);
    }

    /**
     * @param record false: keep no line, only count them and hand them to the {@link #tap}; {@link #lines},
     *               {@link #sum} and the duplicate counts then see nothing
     */
    public LineServer(int port, boolean record) throws IOException {
        this.port = port;
        this.record = record;
        start();
    }

    /** Listens (again) on {@link #port}; does nothing when already listening. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server = s;
        acceptor = new Thread(() -> accept(s), "line-server-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Closes the listening socket and every connection, as a backend that goes down: a sender sees its
     * connection reset or refused. Lines already read are kept.
     */
    public synchronized void stop() throws InterruptedException {
        ServerSocket s = server;
        server = null;
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        acceptor.join(5_000);
    }

    public boolean isRunning() {
        return server != null;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                open.add(c);
                Thread t = new Thread(() -> read(c), "line-server-conn-" + port);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (record) {
                    counts.merge(line, 1, Integer::sum);
                }
                lines.incrementAndGet();
                tap.accept(line);
            }
        } catch (IOException e) {
            // reset by stop() or by the sender: a partial last line was not returned by readLine
        } finally {
            open.remove(c);
        }
    }

    /** Also hands every line, as it arrives, to {@code consumer} (on the connection's thread; it must be quick). */
    public void tap(java.util.function.Consumer<String> consumer) {
        this.tap = consumer;
    }

    /** Every line received so far, duplicates included. */
    public long lineCount() {
        return lines.get();
    }

    /** The distinct lines received so far. */
    public long distinctCount() {
        return counts.size();
    }

    /** The lines received more than once, with how often (at most {@code max} of them). */
    public Map<String, Integer> duplicates(int max) {
        Map<String, Integer> d = new java.util.TreeMap<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > 1 && d.size() < max) {
                d.put(e.getKey(), e.getValue());
            }
        }
        return d;
    }

    /** How many lines were received more than once, counting each extra copy. */
    public long duplicateCount() {
        long n = 0;
        for (int v : counts.values()) {
            n += v - 1;
        }
        return n;
    }

    /** The distinct lines that match. */
    public List<String> lines(Predicate<String> filter) {
        List<String> l = new ArrayList<>();
        for (String s : counts.keySet()) {
            if (filter.test(s)) {
                l.add(s);
            }
        }
        return l;
    }

    /** Whether a line was received, by its exact text. */
    public boolean has(String line) {
        return counts.containsKey(line);
    }

    /**
     * The sum of the values (second field) of every received line whose name (first field) starts with
     * {@code prefix}, each copy counted: for counters, what the sender counted in total.
     */
    public double sum(String prefix) {
        double s = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String l = e.getKey();
            if (l.startsWith(prefix)) {
                String[] f = l.split(" ");
                if (f.length >= 2) {
                    s += Double.parseDouble(f[1]) * e.getValue();
                }
            }
        }
        return s;
    }

    /** Forgets every line received. */
    public void clear() {
        counts.clear();
        lines.set(0);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
