package lodestar.support.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared pieces of bounded HTTP ingestion, put together as a listener would (a {@link ListenerHttpServer} on
 * 127.0.0.1, {@link RequestPermits}, {@link RequestBody}, {@link Decompress}, {@link Answers}) and driven over real
 * sockets: what a hostile sender gets, and how much of it the server reads.
 */
@Timeout(60)
class BoundedIngestionTest {

    private static final long MAX_BODY = 64 * 1024;
    private static final long MAX_INFLATED = 256 * 1024;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RequestPermits permits = new RequestPermits(1);
    /** Bytes of the body the handler had read when it refused it (-1: not refused). */
    private final AtomicLong readAtRefusal = new AtomicLong(-1);
    /** Bytes of the body read in all, the drain included. */
    private final AtomicLong readInAll = new AtomicLong();
    private final CountDownLatch refused = new CountDownLatch(1);
    /** Counted down once the handler has set {@link #readInAll}: after the answer went out, so the client may be first. */
    private final CountDownLatch handled = new CountDownLatch(1);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final CountDownLatch holding = new CountDownLatch(1);
    private ListenerHttpServer server;

    /** A listener of the shape the OTLP and remote-write ones have: permits, a bounded body, gzip, 413/400/503. */
    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            CountingStream counted = new CountingStream(ex.getRequestBody());
            ex.setStreams(counted, null);
            if (!permits.tryAcquire()) {
                Answers.retryAfter(ex, 1);
                Answers.send(ex, 503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try {
                holding.countDown();
                hold.await(20, TimeUnit.SECONDS);
                byte[] body = RequestBody.read(ex, MAX_BODY);
                if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = Decompress.gzip(body, MAX_INFLATED);
                }
                Answers.send(ex, 200, "text/plain", Integer.toString(body.length).getBytes(StandardCharsets.UTF_8));
            } catch (BodyTooLarge | MalformedBody e) {
                readAtRefusal.set(counted.count);
                refused.countDown();
                int status = e instanceof BodyTooLarge ? 413 : 400;
                Answers.send(ex, status, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                permits.release();
                readInAll.set(counted.count);
                handled.countDown();
            }
        }
    }

    private void start() {
        server = ListenerHttpServer.start("127.0.0.1", 0, 4, "lodestar-test", this::handle);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> post(HttpRequest.BodyPublisher body, String encoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .timeout(Duration.ofSeconds(30)).POST(body);
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyWithinTheLimitIsReadWhole() throws Exception {
        start();
        assertEquals("65536", post(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) MAX_BODY]), null).body());
        // no Content-Length: chunked
        assertEquals("1000", post(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[1000])), null)
                .body());
    }

    @Test
    void anOversizedContentLengthIsRefusedBeforeAByteIsRead() throws Exception {
        start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // not a byte of the body sent: the refusal comes from the header alone
            assertTrue(refused.await(10, TimeUnit.SECONDS), "refused on Content-Length");
            assertEquals(0, readAtRefusal.get());
        }
        // and a sender that does send its (refused) body gets the 413, drained, not a reset
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20]), null);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().startsWith("Content-Length 1048576 is over maxBodySize (65536 bytes)"), r.body());
    }

    @Test
    void aChunkedBodyPastTheLimitIsCutAtTheLimit() throws Exception {
        start();
        long sent = 4L << 20;
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(sent)), null);
        assertEquals(413, r.statusCode(), "no Content-Length, refused as it passed the limit");
        assertEquals("body larger than maxBodySize (65536 bytes)", r.body());
        assertTrue(readAtRefusal.get() > MAX_BODY && readAtRefusal.get() <= MAX_BODY + 1,
                "read " + readAtRefusal.get() + " bytes before refusing");
        assertTrue(handled.await(10, TimeUnit.SECONDS), "the handler finished");
        assertEquals(sent, readInAll.get(), "the rest drained (nothing kept), so that the sender saw the 413");
    }

    @Test
    void aGzipBombIsRefusedAtTheInflatedLimit() throws Exception {
        start();
        byte[] bomb = gzip(64L << 20); // 64 MB of zeros: about 64 KB
        assertTrue(bomb.length < MAX_BODY, "the bomb passes maxBodySize: " + bomb.length);
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(bomb), "gzip");
        assertEquals(413, r.statusCode());
        assertEquals("body larger than maxDecompressedSize (262144 bytes) once decompressed", r.body());
        assertEquals("200000", post(HttpRequest.BodyPublishers.ofByteArray(gzip(200_000)), "gzip").body());
        assertEquals(400, post(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}), "gzip").statusCode());

        // inflating stops at the limit: what it allocates is a few times the limit, not the bomb's 64 MB
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertThrows(BodyTooLarge.class, () -> Decompress.gzip(bomb, MAX_INFLATED));
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 8 * MAX_INFLATED, "allocated " + allocated + " bytes");
    }

    @Test
    void snappyIsRefusedOnItsDeclaredLengthBeforeAllocating() throws Exception {
        byte[] declaresAGigabyte = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0, 0};
        BodyTooLarge e = assertThrows(BodyTooLarge.class, () -> Decompress.snappy(declaresAGigabyte, MAX_INFLATED));
        assertTrue(e.getMessage().endsWith("(maxDecompressedSize)"), e.getMessage());
        assertThrows(BodyTooLarge.class, () -> Decompress.snappy(lodestar.support.snappy.Snappy.compress(new byte[300_000]), MAX_INFLATED));
        assertThrows(MalformedBody.class, () -> Decompress.snappy("not snappy at all".getBytes(StandardCharsets.UTF_8), MAX_INFLATED));
        assertEquals(1000, Decompress.snappy(lodestar.support.snappy.Snappy.compress(new byte[1000]), MAX_INFLATED).length);
    }

    @Test
    void theDrainIsBoundedInBytesAndInTime() {
        Zeros endless = new Zeros(Long.MAX_VALUE);
        assertFalse(Drain.atMost(endless, 1 << 20, 10_000), "past the byte bound");
        assertTrue(endless.given <= (1 << 20) + 16 * 1024 + 1, "read " + endless.given);

        InputStream trickle = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                b[off] = 0;
                return 1;
            }
        };
        long t0 = System.nanoTime();
        assertFalse(Drain.atMost(trickle, 1 << 20, 300), "past the time bound");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300 && ms < 10_000, "drained for " + ms + " ms"); // unbounded, this trickle would take hours

        assertTrue(Drain.atMost(new Zeros(100_000), 1 << 20, 10_000), "a body that ends within both");
        assertTrue(Drain.atMost(new Zeros(0), 0, 0), "nothing left");
    }

    @Test
    void permitsRefuseBeyondTheirLimitAndComeBack() throws Exception {
        RequestPermits two = new RequestPermits(2);
        assertTrue(two.tryAcquire());
        assertTrue(two.tryAcquire());
        assertFalse(two.tryAcquire());
        assertEquals(2, two.inUse());
        two.release();
        assertEquals(1, two.inUse());
        assertTrue(two.tryAcquire());
        assertThrows(IllegalArgumentException.class, () -> new RequestPermits(0));

        start();
        hold = new CountDownLatch(1);
        var first = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("first")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        HttpResponse<String> busy = post(HttpRequest.BodyPublishers.ofString("second"), null);
        assertEquals(503, busy.statusCode(), "over the one permit: at once, not queued");
        assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
        hold.countDown();
        assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
        // the answer goes out before the handler gives its permit back
        assertTrue(handled.await(10, TimeUnit.SECONDS), "the first request's handler finished");
        assertEquals(200, post(HttpRequest.BodyPublishers.ofString("third"), null).statusCode(), "the permit came back");
    }

    @Test
    void aPortInUseIsRefusedNamingTheProperty() {
        start();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenerHttpServer.start("127.0.0.1", server.port(), 1, "lodestar-test", x -> x.close()));
        assertTrue(e.getMessage().startsWith("port: cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
        assertTrue(System.getProperty("sun.net.httpserver.maxReqTime") != null, "the JDK server ends slow requests");
    }

    static byte[] gzip(long zeros) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            for (long n = 0; n < zeros; n += chunk.length) {
                z.write(chunk, 0, (int) Math.min(chunk.length, zeros - n));
            }
        }
        return out.toByteArray();
    }

    /** {@code size} zero bytes, counting what was taken. */
    static final class Zeros extends InputStream {
        private final long size;
        long given;

        Zeros(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (given >= size) {
                return -1;
            }
            given++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (given >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - given);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            given += n;
            return n;
        }
    }

    /** Counts what the handler reads of a request body. */
    static final class CountingStream extends FilterInputStream {
        volatile long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
