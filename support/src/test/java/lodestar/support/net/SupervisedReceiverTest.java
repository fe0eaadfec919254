package lodestar.support.net;

import static lodestar.support.net.NetTesting.await;
import static lodestar.support.net.NetTesting.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import lodestar.support.retry.Backoff;

/** The supervision of a receiver thread, over real UDP sockets on 127.0.0.1. */
class SupervisedReceiverTest {

    private final NetTesting t = new NetTesting();
    private final ListenerHealth health = new ListenerHealth(t.log);
    private final UdpSockets sockets = new UdpSockets(t.log);
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    /** Opens 127.0.0.1 on {@code port}, or where the previous socket was. */
    private SupervisedReceiver.Opener<UdpSocket> opener(int port) {
        return previous -> sockets.open("127.0.0.1", previous == null ? port : previous.port(), 0);
    }

    private SupervisedReceiver<UdpSocket> receiver(int port) {
        return new SupervisedReceiver<>("test receiver", opener(port),
                s -> s.serve((d, from) -> received.add(new String(d.array(), 0, d.limit(), StandardCharsets.UTF_8)), health), health);
    }

    private String next() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void aSocketClosedUnderItIsReportedAndReopenedOnTheSamePort() throws Exception {
        try (SupervisedReceiver<UdpSocket> r = receiver(0).start()) {
            int port = r.socket().port();
            udp(port, "before");
            assertEquals("before", next());
            assertNull(health.failure());
            try (AutoCloseable hold = r.breakSocket()) {
                await(() -> health.failure() != null, "the failure is reported");
                assertEquals("test receiver: socket closed under the receiver", health.failure());
                assertEquals(health.failure(), health.lastError());
                assertNull(r.socket(), "nothing is served while it is down");
                assertTrue(t.loggedContaining("test receiver stopped (socket closed under the receiver); reopening it"), t.logged.toString());
                assertEquals(0, health.restarts());
            }
            await(() -> health.failure() == null, "reopened once released");
            assertEquals(1, health.restarts());
            assertEquals(port, r.socket().port(), "the same port, though 0 was asked for at first");
            assertTrue(t.loggedContaining("test receiver reopened after a failure"), t.logged.toString());
            udp(port, "after");
            assertEquals("after", next());
            assertEquals("test receiver: socket closed under the receiver", health.lastError(), "the last error stays for the operator");
        }
    }

    @Test
    void aLoopThatThrowsIsReportedWithItsExceptionAndRestartedWithinTheFirstBackoff() throws Exception {
        SupervisedReceiver.Loop<UdpSocket> dying = s -> {
            ByteBuffer b = ByteBuffer.allocate(100);
            while (true) {
                b.clear();
                s.channel().receive(b);
                String m = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
                if (m.equals("die")) {
                    throw new IllegalStateException("the loop broke");
                }
                received.add(m);
            }
        };
        try (SupervisedReceiver<UdpSocket> r = new SupervisedReceiver<>("dying receiver", opener(0), dying, health).start()) {
            int port = r.socket().port();
            long before = System.nanoTime();
            udp(port, "die");
            await(() -> health.restarts() == 1, "restarted");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
            assertTrue(took >= Backoff.INITIAL_MILLIS, "it waited the first backoff: " + took + " ms");
            assertTrue(health.lastError().startsWith("dying receiver: java.lang.IllegalStateException: the loop broke at "), health.lastError());
            assertTrue(t.loggedContaining("dying receiver stopped (java.lang.IllegalStateException: the loop broke"), t.logged.toString());
            assertNull(health.failure());
            udp(port, "alive");
            assertEquals("alive", next());
        }
    }

    @Test
    void aHandlerThatThrowsCostsOnlyThatDatagram() throws Exception {
        SupervisedReceiver<UdpSocket> r = new SupervisedReceiver<>("picky receiver", opener(0), s -> s.serve((d, from) -> {
            String m = new String(d.array(), 0, d.limit(), StandardCharsets.UTF_8);
            if (m.startsWith("bad")) {
                throw new IllegalArgumentException("cannot take " + m);
            }
            received.add(m);
        }, health), health).start();
        try (r) {
            udp(r.socket().port(), "bad one", "good", "bad two", "fine");
            assertEquals("good", next());
            assertEquals("fine", next());
            assertEquals(2, health.failedInputs());
            assertEquals(0, health.restarts(), "the receiver never stopped");
            assertTrue(health.lastError().startsWith("failed to handle datagram from /127.0.0.1:"), health.lastError());
            assertTrue(health.lastError().contains("java.lang.IllegalArgumentException: cannot take bad two at "), health.lastError());
            assertEquals(1, t.logged.stream().filter(l -> l.contains("failed to handle datagram")).count(), "rate-limited: " + t.logged);
        }
    }

    @Test
    void reopeningBacksOffDoublingWhileTheAddressIsTaken() throws Exception {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        List<String> failuresSeen = new CopyOnWriteArrayList<>();
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SupervisedReceiver.Opener<UdpSocket> flaky = previous -> {
            attempts.add(System.nanoTime());
            failuresSeen.add(String.valueOf(health.failure()));
            if (attempts.size() <= 4) {
                throw new IOException("Address already in use (attempt " + attempts.size() + ")");
            }
            return sockets.open("127.0.0.1", port, 0);
        };
        SupervisedReceiver<UdpSocket> r = new SupervisedReceiver<>("flaky receiver", flaky,
                s -> s.serve((d, from) -> received.add("x"), health), health, new Backoff(20, 80));
        try (r) {
            r.startOrRetry();
            assertEquals(1, attempts.size(), "the first attempt is the caller's");
            assertEquals("flaky receiver: cannot listen: java.io.IOException: Address already in use (attempt 1)", health.failure());
            await(() -> r.socket() != null, "opened at the fifth attempt");
            assertEquals(5, attempts.size());
            assertEquals("flaky receiver: cannot reopen: java.io.IOException: Address already in use (attempt 3)", failuresSeen.get(3),
                    "down with the latest reason while it fails");
            long[] expected = {20, 40, 80, 80}; // doubling, capped at 80
            for (int i = 1; i < attempts.size(); i++) {
                long gap = TimeUnit.NANOSECONDS.toMillis(attempts.get(i) - attempts.get(i - 1));
                assertTrue(gap >= expected[i - 1] - 1, "gap " + i + " was " + gap + " ms, expected at least " + expected[i - 1]);
            }
            assertNull(health.failure());
            assertEquals(1, health.restarts());
            assertEquals(1, t.logged.stream().filter(l -> l.contains("cannot reopen")).count(), "rate-limited: " + t.logged);
            assertEquals(port, r.lastSocket().port());
            udp(port, "x");
            assertEquals("x", next());
        }
    }

    @Test
    void startOrRetryOpensAtOnceWhenItCan() throws Exception {
        try (SupervisedReceiver<UdpSocket> r = receiver(0).startOrRetry()) {
            assertTrue(r.socket() != null);
            assertNull(health.failure());
            udp(r.socket().port(), "now");
            assertEquals("now", next());
        }
    }

    @Test
    void closingWhileDownStopsAtOnceAndForgetsTheFailure() throws Exception {
        SupervisedReceiver<UdpSocket> r = receiver(0).start();
        int port = r.socket().port();
        r.breakSocket(); // never released: only close() can end the wait
        await(() -> health.failure() != null, "down");
        long before = System.nanoTime();
        r.close();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before) < 2000, "close does not wait for a backoff");
        assertNull(health.failure(), "a receiver closed on purpose is not a failure");
        try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the port is free");
        }
    }

    @Test
    void aSocketThatCannotBeOpenedAtStartIsTheCallersAndStartsNothing() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            SupervisedReceiver<UdpSocket> r = receiver(taken.getLocalPort());
            assertThrows(java.net.BindException.class, r::start);
            assertNull(health.failure());
            r.close();
        }
    }
}
