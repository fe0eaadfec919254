package lodestar.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.core.internal.PipelineComponent;
import lodestar.sink.graphite.internal.GraphiteSink;
import lodestar.testkit.Configs;

/**
 * Samples per second through the core pipeline into a Graphite sink (plaintext or pickle) writing to
 * a loopback TCP server that counts and discards: the whole path a sample takes, including creating
 * it, the runner's buffer and batching, encoding and the socket. The producer keeps the sink's buffer
 * from overflowing (nothing is dropped, checked at the end), so the figure is a sustained rate.
 *
 * <pre>benchmarks/run pipeline [samples=20000000] [runs=5] [protocol=plaintext] [names=10000]</pre>
 */
public final class PipelineThroughput {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        long samples = Long.parseLong(a.getOrDefault("samples", "20000000"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        String protocol = a.getOrDefault("protocol", "plaintext");
        int names = Integer.parseInt(a.getOrDefault("names", "10000"));
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            rates[r] = once(samples, protocol, names);
            System.out.printf("run %d: %,.0f samples/s%n", r + 1, rates[r]);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("pipeline -> graphite %s, %,d samples x %d runs, %d names: median %,.0f samples/s (min %,.0f, max %,.0f)%n",
                protocol, samples, runs, names, sorted[runs / 2], sorted[0], sorted[runs - 1]);
    }

    static double once(long samples, String protocol, int nameCount) throws Exception {
        try (DiscardServer server = new DiscardServer()) {
            PipelineComponent pipeline = new PipelineComponent(Configs.of(PipelineComponent.Config.class,
                    Map.of("selfInterval", "0", "bufferDisk", "0")), null);
            Map<String, Object> sinkProps = Map.of("component.name", "lodestar.sink.graphite", "port", server.port(),
                    "protocol", protocol, "batchSize", 5000, "flushInterval", "100ms", "bufferMemory", "256MB");
            GraphiteSink sink = new GraphiteSink(Configs.of(GraphiteSink.Config.class, sinkProps));
            Class<?> cls = PipelineComponent.class;
            var add = cls.getDeclaredMethod("addSink", lodestar.api.Sink.class, Map.class);
            add.setAccessible(true);
            add.invoke(pipeline, sink, sinkProps);

            String[] names = new String[nameCount];
            for (int i = 0; i < nameCount; i++) {
                names[i] = "bench.host" + (i % 100) + ".metric" + i;
            }
            int batch = 1000;
            long t0 = System.nanoTime();
            long now = System.currentTimeMillis();
            List<Sample> out = new ArrayList<>(batch);
            long batches = 0;
            for (long i = 0; i < samples; i++) {
                out.add(new Sample(names[(int) (i % nameCount)], Tags.EMPTY, i & 0xffff, now, Kind.GAUGE));
                if (out.size() == batch) {
                    pipeline.emitAll(out);
                    out = new ArrayList<>(batch);
                    if (++batches % 256 == 0) {
                        now = System.currentTimeMillis();
                        // keep the buffer from overflowing: this measures a sustained rate, not how fast
                        // a buffer fills
                        while (queued(pipeline) > 500_000) {
                            Thread.onSpinWait();
                            Thread.sleep(1);
                        }
                    }
                }
            }
            pipeline.emitAll(out);
            long expectedLines = samples;
            while (server.lines() < expectedLines && ("plaintext".equals(protocol) || server.bytes() >= 0)) {
                if ("pickle".equals(protocol) && written(pipeline) >= samples) {
                    break;
                }
                Thread.sleep(1);
            }
            long took = System.nanoTime() - t0;
            long dropped = dropped(pipeline);
            var deact = cls.getDeclaredMethod("deactivate");
            deact.setAccessible(true);
            deact.invoke(pipeline);
            if (dropped != 0) {
                throw new IllegalStateException(dropped + " samples dropped: the measurement is void");
            }
            return samples / (took / 1e9);
        }
    }

    private static ComponentStatus sinkStatus(PipelineComponent p) {
        return p.status().stream().filter(s -> s.type().equals("sink")).findFirst().orElseThrow();
    }

    private static long queued(PipelineComponent p) {
        return sinkStatus(p).counters().get("queued");
    }

    private static long written(PipelineComponent p) {
        return sinkStatus(p).counters().get("written");
    }

    private static long dropped(PipelineComponent p) {
        return sinkStatus(p).counters().get("dropped");
    }

    /** Accepts one connection at a time, counts bytes and newlines, discards the rest. */
    static final class DiscardServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicLong lines = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final Thread thread;

        DiscardServer() throws IOException {
            thread = new Thread(this::serve, "discard");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        long lines() {
            return lines.get();
        }

        long bytes() {
            return bytes.get();
        }

        private void serve() {
            byte[] buf = new byte[1 << 16];
            while (!socket.isClosed()) {
                try (Socket s = socket.accept(); InputStream in = s.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        long nl = 0;
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                nl++;
                            }
                        }
                        lines.addAndGet(nl);
                        bytes.addAndGet(n);
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
