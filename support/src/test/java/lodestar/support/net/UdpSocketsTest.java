package lodestar.support.net;

import static lodestar.support.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Opening UDP sockets alike, and their kernel drops, on this machine's loopback. */
class UdpSocketsTest {

    private final NetTesting t = new NetTesting();
    private final UdpSockets sockets = new UdpSockets(t.log);

    @Test
    void ipv4AndIpv6AddressesAndAnyFreePort() throws Exception {
        try (UdpSocket s = sockets.open("127.0.0.1", 0, 0)) {
            assertTrue(s.port() > 0);
            assertEquals(new InetSocketAddress("127.0.0.1", s.port()), s.channel().getLocalAddress());
            NetTesting.udp(s.port(), "v4");
            ByteBuffer b = ByteBuffer.allocate(16);
            s.channel().receive(b);
            assertEquals(2, b.position());
        }
        UdpSocket v6;
        try {
            v6 = sockets.open("::1", 0, 0);
        } catch (java.net.SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (v6; DatagramSocket d = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            byte[] p = {1, 2, 3};
            d.send(new DatagramPacket(p, 3, InetAddress.getByName("::1"), v6.port()));
            ByteBuffer b = ByteBuffer.allocate(16);
            assertTrue(v6.channel().receive(b) instanceof InetSocketAddress from && from.getAddress().getAddress().length == 16);
            assertEquals(3, b.position());
        }
    }

    @Test
    void aCappedReceiveBufferIsWarnedAboutOncePerSize() throws Exception {
        long huge = 1L << 30; // above any net.core.rmem_max a test machine has
        try (UdpSocket a = sockets.open("127.0.0.1", 0, huge); UdpSocket b = sockets.open("127.0.0.1", 0, huge)) {
            assertTrue(a.receiveBuffer() < huge);
            assertEquals(1, t.logged.size(), t.logged.toString());
            assertTrue(t.logged.get(0).startsWith("receiveBuffer: asked for 1073741824 bytes, the kernel granted "), t.logged.get(0));
        }
        try (UdpSocket c = sockets.open("127.0.0.1", 0, huge / 2)) {
            assertEquals(2, t.logged.size(), "a new size is worth a new warning: " + t.logged);
        }
        try (UdpSocket small = sockets.open("127.0.0.1", 0, 65536)) {
            assertTrue(small.receiveBuffer() >= 65536);
            assertEquals(2, t.logged.size(), "granted: nothing to say");
        }
    }

    @Test
    void aCappedDefaultIsSaidAtInfoWithTheFixAndAConfiguredOneIsAWarning() throws Exception {
        java.util.List<String> infos = new java.util.ArrayList<>();
        java.util.List<String> warnings = new java.util.ArrayList<>();
        UdpSockets own = new UdpSockets(NetLog.of(infos::add, warnings::add, (m, e) -> warnings.add(m)));
        long huge = 1L << 30;
        own.receiveBufferConfigured(false);
        try (UdpSocket a = own.open("127.0.0.1", 0, huge); UdpSocket b = own.open("127.0.0.1", 0, huge)) {
            assertEquals(java.util.List.of(), warnings, "a default the kernel caps is no warning");
            assertEquals(1, infos.size(), "said once: " + infos);
            assertTrue(infos.get(0).startsWith("receiveBuffer: the default, 1073741824 bytes, the kernel granted "), infos.get(0));
            assertTrue(infos.get(0).contains("sysctl -w net.core.rmem_max=1073741824"), infos.get(0));
        }
        own.receiveBufferConfigured(true);
        try (UdpSocket c = own.open("127.0.0.1", 0, huge)) {
            assertEquals(1, warnings.size(), "the operator asked for it: " + warnings);
            assertTrue(warnings.get(0).startsWith("receiveBuffer: asked for 1073741824 bytes"), warnings.get(0));
        }
    }

    @Test
    void kernelDropsAreCountedAndKeptAfterTheSocketCloses() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux only");
        UdpSocket s = sockets.open("127.0.0.1", 0, 4096);
        assertEquals(0, sockets.kernelDrops());
        // nobody reads: a few hundred datagrams overflow a 4 KB buffer
        byte[] p = new byte[512];
        try (DatagramSocket d = new DatagramSocket()) {
            for (int i = 0; i < 500; i++) {
                d.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), s.port()));
            }
        }
        await(() -> sockets.kernelDrops() > 0, "drops seen in /proc/net/udp");
        long drops = sockets.kernelDrops();
        assertTrue(drops > 100 && drops < 500, "most of 500 datagrams into 4 KB: " + drops);
        s.close();
        assertEquals(drops, sockets.kernelDrops(), "a closed socket's drops stay in the total");
        try (UdpSocket next = sockets.open("127.0.0.1", 0, 0)) {
            assertEquals(drops, sockets.kernelDrops(), "a new socket starts from nothing");
        }
    }
}
