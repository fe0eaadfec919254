package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/** What the kernel drops for the listener's socket shows in its status (issue 11, finding 11). */
class HardeningTest {

    private MetricsdListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.deactivate();
        }
    }

    private long counter(String name) {
        return listener.status().counters().get(name);
    }

    @Test
    void kernelDropsOfTheSocketAreCounted() throws Exception {
        listener = new MetricsdListener(Configs.of(MetricsdListener.Config.class, "port", 0, "flushInterval", "1h",
                "receiveBuffer", "64KB"), new CapturingPipeline(), Map.of());
        MetricsdEncoder e = new MetricsdEncoder("flood.example.com", 1400);
        for (int i = 0; i < 60; i++) {
            e.counter("flood.counter.with.a.long.name." + i, 1);
        }
        byte[] packet = e.packets().get(0);
        List<byte[]> sent = new ArrayList<>();
        Bucket bucket = listener.registry().buckets()[0];
        synchronized (bucket) { // the receiver waits for the bucket at the first command: nothing reads the socket
            try (DatagramSocket u = new DatagramSocket()) {
                for (int i = 0; i < 3000; i++) {
                    u.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), listener.port()));
                    sent.add(packet);
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counter("kernel_drops") == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        }
        assertTrue(counter("kernel_drops") > 0, "kernel drops counted: " + listener.status().counters());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter("kernel_drops") + counter("packets") < sent.size() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(sent.size(), counter("kernel_drops") + counter("packets"), "every datagram either read or dropped");
    }
}
