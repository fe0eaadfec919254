package lodestar.testkit;

import java.io.IOException;
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
    private volatile long throttle;
    private final AtomicLong torn = new AtomicLong();

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
        if (throttle > 0) {
            // a small window, so a sender cannot park its whole backlog in the kernel's buffers
            s.setReceiveBufferSize(4096);
        }
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
        // lines end at '\n'; bytes after the last one when the sender goes (a line torn by a kill) are counted apart,
        // not taken as a line: Carbon would refuse them too
        byte[] buf = new byte[1 << 16];
        java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream(256);
        long start = System.nanoTime();
        long read = 0;
        try (c; java.io.InputStream in = c.getInputStream()) {
            int n;
            while ((n = in.read(buf, 0, throttle > 0 ? Math.min(buf.length, 4096) : buf.length)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        partial.write(buf, from, i - from);
                        line(partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                        from = i + 1;
                        read++;
                        long rate = throttle;
                        if (rate > 0) {
                            long due = start + read * 1_000_000_000L / rate;
                            long wait = due - System.nanoTime();
                            if (wait > 1_000_000) {
                                Thread.sleep(wait / 1_000_000);
                            }
                        } else {
                            start = System.nanoTime();
                            read = 0;
                        }
                    }
                }
                partial.write(buf, from, n - from);
            }
        } catch (IOException | InterruptedException e) {
            // reset by stop() or by the sender
        } finally {
            if (partial.size() > 0) {
                torn.incrementAndGet();
            }
            open.remove(c);
        }
    }

    private void line(String line) {
        if (record) {
            counts.merge(line, 1, Integer::sum);
        }
        lines.incrementAndGet();
        tap.accept(line);
    }

    /**
     * Reads at most {@code linesPerSecond} lines a second per connection from now on (0: as fast as they come): a slow
     * backend, so a sender's backlog takes a while to drain. Set before {@link #start()}, it also gives the listening
     * socket a small receive buffer, so the sender's writes wait for the reader rather than fill the kernel.
     */
    public void throttle(long linesPerSecond) {
        this.throttle = linesPerSecond;
    }

    /** Connections that ended inside a line (the sender killed while writing it); those bytes are no line. */
    public long tornLines() {
        return torn.get();
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
