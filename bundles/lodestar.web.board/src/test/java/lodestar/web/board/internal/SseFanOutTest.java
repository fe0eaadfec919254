package lodestar.web.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import lodestar.support.log.RateLimitedLog;

/**
 * The board's event stream in a real Jetty 11 (the one Felix http.jetty embeds) over real sockets on 127.0.0.1: a
 * board that stops reading is disconnected once its buffer is full, while another board gets every event; and at
 * most {@code maxClients} boards are open.
 */
@Timeout(60)
class SseFanOutTest {

    private Server server;
    private int port;
    private SseHub hub;

    private void start(int maxClients, int bufferBytes) throws Exception {
        hub = new SseHub(maxClients);
        BoardServlet servlet = new BoardServlet(hub, () -> "{\"title\":\"t\",\"now\":0,\"groups\":[]}", () -> bufferBytes,
                new RateLimitedLog(10_000, line -> { }));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/board/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.closeAll();
        }
        if (server != null) {
            server.stop();
        }
    }

    private void awaitClients(int n) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (hub.size() != n && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertEquals(n, hub.size());
    }

    @Test
    void aStuckBoardIsDroppedAndTheOthersGetEverything() throws Exception {
        start(10, 64 * 1024);
        // a board that never reads, with a small receive window
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        OutputStream out = stuck.getOutputStream();
        out.write("GET /board/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitClients(1);

        int events = 2000;
        AtomicInteger received = new AtomicInteger();
        CountDownLatch last = new CountDownLatch(1);
        CountDownLatch snapshot = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/board/events").openConnection();
                BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("event: snapshot")) {
                        snapshot.countDown();
                    } else if (line.startsWith("data: {\"n\":")) {
                        received.incrementAndGet();
                        if (line.startsWith("data: {\"n\":" + (events - 1) + ",")) {
                            last.countDown();
                            return;
                        }
                    }
                }
            } catch (Exception e) {
                // the assertion below says what was missed
            }
        });
        reader.start();
        assertTrue(snapshot.await(10, TimeUnit.SECONDS));
        awaitClients(2);

        String padding = "x".repeat(10_000);
        for (int i = 0; i < events; i++) {
            // 20 MB in all: far more than the stuck board's socket buffers and its 64 KB queue. Paced as the reading
            // board reads (a board that cannot keep up with the events is dropped too: that is the rule)
            hub.broadcast(Sse.event("tile", "{\"n\":" + i + ",\"pad\":\"" + padding + "\"}"));
            long end = System.currentTimeMillis() + 5_000;
            while (received.get() < i - 2 && System.currentTimeMillis() < end) {
                Thread.sleep(0, 100_000);
            }
        }
        assertTrue(last.await(30, TimeUnit.SECONDS), "the reading board got the last event; it had " + received.get());
        assertEquals(events, received.get(), "and every one before it");
        assertEquals(1, hub.dropped.get(), "the stuck board was dropped once");
        assertEquals(1, hub.size());
        stuck.close();
    }

    @Test
    void atMostMaxClientsBoards() throws Exception {
        start(2, 64 * 1024);
        HttpURLConnection a = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/board/events").openConnection();
        HttpURLConnection b = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/board/events").openConnection();
        assertEquals(200, a.getResponseCode());
        assertEquals(200, b.getResponseCode());
        awaitClients(2);
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/board/events").openConnection();
        assertEquals(503, c.getResponseCode());
        assertEquals("5", c.getHeaderField("Retry-After"));
        assertEquals(1, hub.refused.get());
        a.disconnect();
        b.disconnect();
    }

    @Test
    void pagesAndNothingElse() throws Exception {
        start(2, 64 * 1024);
        for (String p : new String[] {"/board", "/board/", "/board/board.js", "/board/board.css", "/board/state.json"}) {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + p).openConnection();
            assertEquals(200, c.getResponseCode(), p);
        }
        for (String p : new String[] {"/board/index.html", "/board/board", "/board/../pom.xml", "/board/WEB-INF/x"}) {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + p).openConnection();
            int s = c.getResponseCode();
            assertTrue(s == 404 || s == 400, p + ": " + s);
        }
        HttpURLConnection q = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/board?" + "a".repeat(2000)).openConnection();
        assertEquals(414, q.getResponseCode());
    }
}
