package lodestar.sink.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The connection's failure handling against a fake Carbon (a plain server socket). */
class CarbonConnectionTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] read(Socket s, int n) throws IOException {
        s.setSoTimeout(5000);
        return s.getInputStream().readNBytes(n);
    }

    @Test
    void aConnectionCarbonClosedWhileIdleIsReplacedBeforeWriting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                CarbonConnection c = new CarbonConnection("127.0.0.1", server.getLocalPort(), 2000)) {
            c.send(bytes("one\n"), 4);
            try (Socket first = server.accept()) {
                assertArrayEquals(bytes("one\n"), read(first, 4));
            } // Carbon closes the idle connection (or restarts)
            Thread.sleep(100); // let the FIN arrive
            c.send(bytes("two\n"), 4);
            try (Socket second = server.accept()) {
                assertArrayEquals(bytes("two\n"), read(second, 4), "written to the new connection, not lost");
            }
            assertEquals(2, c.connects());
        }
    }

    @Test
    void refusedConnectionThrowsAndTheNextSendRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (CarbonConnection c = new CarbonConnection("127.0.0.1", port, 2000)) {
            IOException e = assertThrows(IOException.class, () -> c.send(bytes("x\n"), 2));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertFalse(c.connected());
            try (ServerSocket server = new ServerSocket(port, 10, InetAddress.getLoopbackAddress())) {
                c.send(bytes("y\n"), 2);
                try (Socket s = server.accept()) {
                    assertArrayEquals(bytes("y\n"), read(s, 2));
                }
            }
        }
    }

    @Test
    void aCarbonThatStopsReadingTimesOutTheWrite() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                CarbonConnection c = new CarbonConnection("127.0.0.1", server.getLocalPort(), 300)) {
            byte[] big = new byte[64 * 1024 * 1024]; // more than both kernels' buffers hold
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> c.send(big, big.length));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 10_000, "took " + ms + "ms");
            assertFalse(c.connected(), "a failed write drops the connection");
            server.accept().close();
        }
    }

    @Test
    void closeEndsABlockedWriteQuickly() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                CarbonConnection c = new CarbonConnection("127.0.0.1", server.getLocalPort(), 60_000)) {
            byte[] big = new byte[64 * 1024 * 1024];
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                try {
                    c.send(big, big.length);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(300);
            c.close();
            Throwable t = result.get(5, TimeUnit.SECONDS);
            assertTrue(t instanceof IOException, String.valueOf(t));
            assertThrows(IOException.class, () -> c.send(bytes("x"), 1), "closed for good");
            server.accept().close();
        }
    }
}
