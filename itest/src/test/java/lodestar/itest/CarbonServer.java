package lodestar.itest;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Carbon on 127.0.0.1 (an ephemeral port): accepts any number of connections and keeps
 * what arrives, as plaintext lines ({@link #lines()}) or, for the pickle protocol, as raw bytes
 * ({@link #bytes()}).
 */
final class CarbonServer implements AutoCloseable {

    private final ServerSocket server;
    private final boolean raw;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** A plaintext receiver. */
    static CarbonServer plaintext() throws IOException {
        return new CarbonServer(false);
    }

    /** A receiver that keeps the bytes as they come (pickle frames). */
    static CarbonServer raw() throws IOException {
        return new CarbonServer(true);
    }

    private CarbonServer(boolean raw) throws IOException {
        this.raw = raw;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "carbon-" + port());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    List<String> lines() {
        return lines;
    }

    /** Plaintext lines whose metric path starts with {@code prefix}. */
    List<String> lines(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    byte[] bytes() {
        synchronized (bytes) {
            return bytes.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                clients.add(s);
                Thread t = new Thread(() -> read(s), "carbon-" + port() + "-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket s) {
        try (s) {
            if (raw) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (bytes) {
                        bytes.write(buf, 0, n);
                    }
                }
            } else {
                BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the sink went away
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
