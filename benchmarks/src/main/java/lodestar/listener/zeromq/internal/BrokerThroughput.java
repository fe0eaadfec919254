package lodestar.listener.zeromq.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.locks.LockSupport;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.testkit.Configs;

/**
 * Broker throughput: the same load (N Zibrato counter messages, paced at each rate, from a JeroMQ PUB) through
 * Lodestar's broker (into the pipeline, and forwarded to a worker on the upper port) and through Zibrato's own
 * broker design (a plain pyzmq SUB -> zmq.proxy -> PUB forwarder), in the same run. Loss: counter increments
 * missing from the pipeline (Lodestar), messages missing at the worker (both).
 * {@code benchmarks/run zeromq [messages=N] [rates=r1,r2,...] (0: unpaced)}.
 */
public final class BrokerThroughput {

    /** Sums what the broker emits for the benchmark's counters. */
    static final class Counting implements Pipeline {
        final DoubleAdder counted = new DoubleAdder();

        @Override
        public void emit(Sample s) {
        }

        @Override
        public java.util.Optional<java.util.concurrent.CompletionStage<Void>> offerAll(Collection<Sample> batch) {
            emitAll(batch);
            return java.util.Optional.of(java.util.concurrent.CompletableFuture.completedFuture(null));
        }

        @Override
        public void emitAll(Collection<Sample> batch) {
            for (Sample s : batch) {
                if (s.name().startsWith("bench.")) {
                    counted.add(s.value());
                }
            }
        }

        @Override
        public List<ComponentStatus> status() {
            return List.of();
        }

        @Override
        public Optional<List<Sample>> collectNow(String beaconName) {
            return Optional.empty();
        }
    }

    /**
     * @param seconds   from the first message sent to the last one sent
     * @param delivered from the first message sent to the last one at the worker (through the broker: Lodestar's
     *                  forwards each message before it decodes and records it, so this is its processing too)
     */
    record Result(String broker, long rate, long sent, double seconds, double delivered, long atWorker, double inPipeline) {
        String line() {
            double lossWorker = 100.0 * (sent - atWorker) / sent;
            String pipe = inPipeline < 0 ? "-" : String.format("%.0f (loss %.3f %%)", inPipeline, 100.0 * (sent - inPipeline) / sent);
            return String.format("%-8s target %8s msg/s: sent %d in %.2f s; worker got %d in %.2f s = %.0f msg/s through the broker (loss %.3f %%); pipeline %s",
                    broker, rate == 0 ? "max" : Long.toString(rate), sent, seconds, atWorker, delivered, atWorker / delivered, lossWorker, pipe);
        }
    }

    public static void main(String[] args) throws Exception {
        long messages = 1_000_000;
        List<Long> rates = List.of(50_000L, 100_000L, 200_000L, 0L);
        for (String a : args) {
            if (a.startsWith("messages=")) {
                messages = Long.parseLong(a.substring(9));
            } else if (a.startsWith("rates=")) {
                List<Long> r = new ArrayList<>();
                for (String x : a.substring(6).split(",")) {
                    r.add(Long.parseLong(x));
                }
                rates = r;
            }
        }
        String python = new java.io.File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        List<Result> results = new ArrayList<>();
        for (long rate : rates) {
            results.add(lodestar(messages, rate));
            System.out.println(results.get(results.size() - 1).line());
            results.add(pyzmq(python, messages, rate));
            System.out.println(results.get(results.size() - 1).line());
        }
        System.out.println("--- summary (same run)");
        results.forEach(r -> System.out.println(r.line()));
    }

    static Result lodestar(long messages, long rate) throws Exception {
        Counting pipeline = new Counting();
        ZeromqListener broker = new ZeromqListener(Configs.of(ZeromqListener.Config.class, "port", 0, "flushInterval", "1s",
                "receiveHwm", 1_000_000, "sendHwm", 1_000_000), pipeline, Map.of("service.pid", "lodestar.listener.zeromq~bench"));
        try {
            Result r = run("lodestar", broker.lowerPort(), broker.upperPort(), messages, rate);
            broker.deactivate(); // flushes the last window
            return new Result(r.broker(), r.rate(), r.sent(), r.seconds(), r.delivered(), r.atWorker(), pipeline.counted.sum());
        } catch (RuntimeException | Error e) {
            broker.deactivate();
            throw e;
        }
    }

    static Result pyzmq(String python, long messages, long rate) throws Exception {
        int port = freePortPair();
        Process p = new ProcessBuilder(python, "e2e/src/test/python/zibrato_broker.py", "" + port).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("forwarder: " + ready);
            }
            return run("pyzmq", port, port + 1, messages, rate);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    static int freePortPair() throws Exception {
        for (int i = 0; i < 50; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            try (ServerSocket s = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (java.io.IOException busy) {
                // next
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    /** A worker counting on the upper port, a publisher on the lower; the load once both are connected. */
    static Result run(String name, int lower, int upper, long messages, long rate) throws Exception {
        try (ZContext ctx = new ZContext(2)) {
            AtomicLong atWorker = new AtomicLong();
            AtomicLong warm = new AtomicLong();
            ZMQ.Socket worker = ctx.createSocket(SocketType.SUB);
            worker.setRcvHWM(1_000_000);
            worker.subscribe("info|".getBytes(StandardCharsets.UTF_8));
            worker.setReceiveTimeOut(100);
            worker.connect("tcp://127.0.0.1:" + upper);
            long[] lastAt = {System.nanoTime()};
            long[] lastCounted = {0};
            boolean[] stop = {false};
            Thread w = new Thread(() -> {
                while (!stop[0] || System.nanoTime() - lastAt[0] < 1_000_000_000L) {
                    byte[] m = worker.recv(0);
                    if (m != null) {
                        lastAt[0] = System.nanoTime();
                        if (m[5] == 'C') {
                            atWorker.incrementAndGet();
                            lastCounted[0] = lastAt[0];
                        } else {
                            warm.incrementAndGet();
                        }
                    }
                }
            }, "worker");
            w.start();
            ZMQ.Socket pub = ctx.createSocket(SocketType.PUB);
            pub.setSndHWM(1_000_000);
            pub.connect("tcp://127.0.0.1:" + lower);
            while (warm.get() == 0) { // ZeroMQ's slow joiner, both hops
                pub.send("info|Gauge|warmup|1");
                Thread.sleep(20);
            }
            Thread.sleep(200);
            byte[][] payload = new byte[100][];
            long ts = System.currentTimeMillis() / 1000;
            for (int i = 0; i < payload.length; i++) {
                payload[i] = ("info|Counter|bench." + i + "|1|" + ts + "|bench-source").getBytes(StandardCharsets.UTF_8);
            }
            long start = System.nanoTime();
            for (long i = 0; i < messages; i++) {
                pub.send(payload[(int) (i % payload.length)], 0);
                if (rate > 0 && (i & 63) == 63) {
                    long due = start + (long) ((i + 1) * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            stop[0] = true;
            w.join();
            return new Result(name, rate, messages, seconds, (lastCounted[0] - start) / 1e9, atWorker.get(), -1);
        }
    }
}
