package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.api.util.UdpReceiveBuffer;

/**
 * One running listener: a receiver thread reading datagrams from a blocking UDP socket into a bounded queue
 * (bounded by bytes, {@code queueMemory}: when the worker falls behind, datagrams are dropped and counted as
 * {@code queue_drops}, never queued without limit), and a worker thread that decodes them, turns values into
 * samples and hands them to the pipeline in batches. Usable without OSGi (tests, benchmark).
 */
final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int BATCH = 2000;
    private static final byte[] STOP = new byte[0];

    final String name;
    final Settings settings;
    /** running totals; a reconfigured listener's new engine continues its predecessor's */
    final Stats stats;
    final Converters converters;
    private final Consumer<List<Sample>> pipeline;
    private final Processor processor;
    private final Decoder decoder;
    private final DatagramChannel channel;
    private final int port;
    private final int receiveBuffer;
    private final ArrayBlockingQueue<byte[]> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread receiver;
    private final Thread worker;
    private final long kernelDropsAtStart;
    /** kernel drops of the sockets of the engines this one replaced */
    private final long kernelDropsBefore;
    private volatile boolean running = true;
    private volatile String lastError;
    private volatile boolean receiverFailed;

    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline) throws IOException {
        this(name, s, types, converters, pipeline, null);
    }

    /**
     * @param previous the closed engine this one replaces (a configuration change), or null: its counters go
     *        on, and its series (rates) too when both read the same types.db files
     */
    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline, Engine previous)
            throws IOException {
        this.name = name;
        this.stats = previous == null ? new Stats() : previous.stats;
        this.settings = s;
        this.converters = converters;
        this.pipeline = pipeline;
        AuthFile auth = s.authFile == null ? null : new AuthFile(s.authFile);
        this.processor = new Processor(types, converters, stats, s);
        if (previous != null && previous.settings.typesDb.equals(s.typesDb)) {
            processor.adopt(previous.processor);
        }
        this.decoder = new Decoder(s.securityLevel, auth, processor, stats);
        // a collectd packet is at most 1452 bytes by default; the count bound only matters for tiny packets
        this.queue = new ArrayBlockingQueue<>((int) Math.min(1 << 20, Math.max(1024, s.queueMemory / 256)));
        InetAddress addr = InetAddress.getByName(s.bind);
        channel = DatagramChannel.open(addr instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, (int) s.receiveBuffer);
            receiveBuffer = channel.getOption(StandardSocketOptions.SO_RCVBUF);
            channel.bind(new InetSocketAddress(addr, s.port));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        kernelDropsAtStart = Math.max(0, UdpReceiveBuffer.kernelDrops(port));
        kernelDropsBefore = previous == null ? 0 : previous.stats.get(Stat.KERNEL_DROPS);
        checkBuffer(s.receiveBuffer);
        receiver = new Thread(this::receive, name + "-udp-" + port);
        receiver.setDaemon(true);
        receiver.setPriority(Thread.MAX_PRIORITY);
        worker = new Thread(this::work, name + "-worker-" + port);
        worker.setDaemon(true);
    }

    Engine start() {
        worker.start();
        receiver.start();
        LOG.info("collectd listener {} on {}:{} (securityLevel {}, receive buffer {} bytes)", name, settings.bind, port,
                settings.securityLevel.name().toLowerCase(java.util.Locale.ROOT), receiveBuffer);
        return this;
    }

    int port() {
        return port;
    }

    /** Logs once when the kernel gave less receive buffer than asked, with the sysctl that fixes it. */
    private void checkBuffer(long requested) {
        String warning = UdpReceiveBuffer.cappedWarning(requested, receiveBuffer);
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long limit = settings.queueMemory;
        try {
            while (running) {
                buf.clear();
                channel.receive(buf);
                buf.flip();
                int n = buf.remaining();
                if (n == 0) {
                    continue;
                }
                if (queuedBytes.get() + n > limit) {
                    stats.inc(Stat.QUEUE_DROPS);
                    continue;
                }
                byte[] packet = new byte[n];
                buf.get(packet);
                if (queue.offer(packet)) {
                    queuedBytes.addAndGet(n);
                } else {
                    stats.inc(Stat.QUEUE_DROPS);
                }
            }
        } catch (ClosedChannelException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            if (running) {
                lastError = "receiver stopped: " + e;
                receiverFailed = true;
                LOG.error("collectd receiver on port {} stopped", port, e);
            }
        }
    }

    private void work() {
        List<Sample> batch = new ArrayList<>(BATCH + 64);
        processor.output(batch);
        long nextStats = System.currentTimeMillis() + settings.statsIntervalMillis;
        long nextSweep = System.currentTimeMillis() + 10_000;
        while (true) {
            byte[] p;
            try {
                p = batch.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
            } catch (InterruptedException e) {
                break;
            }
            if (p == STOP) {
                break;
            }
            if (p != null) {
                queuedBytes.addAndGet(-p.length);
                try {
                    decoder.packet(p, 0, p.length);
                } catch (RuntimeException e) {
                    lastError = e.toString();
                    LOG.error("collectd listener {}: packet failed", name, e);
                }
            }
            if (batch.size() >= BATCH || (p == null && !batch.isEmpty())) {
                batch = flush(batch);
            }
            long now = System.currentTimeMillis();
            if (now >= nextSweep) {
                processor.sweep(now);
                nextSweep = now + 10_000;
            }
            if (settings.statsIntervalMillis > 0 && now >= nextStats) {
                batch = flush(batch);
                emitStats(now);
                nextStats = now + settings.statsIntervalMillis;
            }
        }
        flush(batch);
    }

    private List<Sample> flush(List<Sample> batch) {
        if (batch.isEmpty()) {
            return batch;
        }
        stats.add(Stat.SAMPLES, batch.size());
        try {
            pipeline.accept(batch);
        } catch (RuntimeException e) {
            lastError = "pipeline: " + e;
            LOG.warn("collectd listener {}: the pipeline refused {} samples", name, batch.size(), e);
        }
        List<Sample> next = new ArrayList<>(BATCH + 64);
        processor.output(next);
        return next;
    }

    /** The listener's counters as samples {@code lodestar.self.listener.<name>.<stat>}. */
    private void emitStats(long now) {
        List<Sample> l = new ArrayList<>();
        for (Map.Entry<String, Long> e : status().counters().entrySet()) {
            boolean gauge = e.getKey().equals(Stat.SERIES.key);
            l.add(new Sample("lodestar.self.listener." + name + "." + e.getKey(), Tags.EMPTY, e.getValue(), now,
                    gauge ? Kind.GAUGE : Kind.COUNTER));
        }
        try {
            pipeline.accept(l);
        } catch (RuntimeException e) {
            lastError = "pipeline: " + e;
        }
    }

    /** For tests: runs work in the worker's place (the engine must not be started). */
    void decodeNow(byte[] packet, List<Sample> out) {
        processor.output(out);
        decoder.packet(packet, 0, packet.length);
    }

    ComponentStatus status() {
        long kd = UdpReceiveBuffer.kernelDrops(port);
        if (kd >= 0) { // a closed socket has no line in /proc/net/udp: keep the last count
            stats.set(Stat.KERNEL_DROPS, kernelDropsBefore + Math.max(0, kd - kernelDropsAtStart));
        }
        String state = !running ? "stopped" : receiverFailed ? "failing" : "ok";
        Map<String, Long> c = stats.snapshot();
        c.put("queued_bytes", queuedBytes.get());
        return new ComponentStatus("listener", name, state, c, lastError);
    }

    @Override
    public void close() {
        status(); // the kernel's drop count of this socket, while it still has one
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing channel", e);
        }
        try {
            receiver.join(5000);
            // the worker finishes what is queued (bounded by queueMemory), then stops
            if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                worker.interrupt();
            }
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
