package lodestar.support.net;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A log that keeps its lines, and the waiting and sending the tests of this package share. */
final class NetTesting {

    final List<String> logged = new CopyOnWriteArrayList<>();
    final NetLog log = NetLog.of(logged::add, logged::add, (m, t) -> logged.add(t == null ? m : m + " [" + t + "]"));

    boolean loggedContaining(String part) {
        return logged.stream().anyMatch(l -> l.contains(part));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    static void udp(int port, String... datagrams) throws Exception {
        try (DatagramSocket d = new DatagramSocket()) {
            for (String s : datagrams) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                d.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
