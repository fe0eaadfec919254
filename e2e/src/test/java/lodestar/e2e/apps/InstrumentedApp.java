package lodestar.e2e.apps;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import lodestar.instrument.Counter;
import lodestar.instrument.Instruments;
import lodestar.instrument.Timer;

/**
 * An application instrumented with lodestar.instrument, run as its own process by InstrumentIT: for the given
 * seconds it counts orders and times checkouts at a steady pace from two threads, then closes its Instruments and
 * prints what it recorded and what the library reports dropped: {@code sent counter=N timers=M dropped=D}.
 * Arguments: endpoint (tcp://127.0.0.1:port for ZeroMQ, udp://127.0.0.1:port for StatsD), seconds, events per
 * second and thread.
 */
public final class InstrumentedApp {

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        long seconds = Long.parseLong(args[1]);
        int perSecond = Integer.parseInt(args[2]);
        Instruments.Options options = new Instruments.Options().flushInterval(Duration.ofMillis(200));
        Instruments metrics;
        if (endpoint.startsWith("udp://")) { // StatsD: udp://host:port
            String[] hp = endpoint.substring(6).split(":");
            metrics = Instruments.statsd(hp[0], Integer.parseInt(hp[1]), options);
        } else {
            metrics = Instruments.connect(endpoint, options);
        }
        Counter orders = metrics.counter("info", "orders", "app");
        Timer checkout = metrics.timer("debug", "checkout", "app");
        long[] counted = new long[2];
        long[] timed = new long[2];
        Thread[] workers = new Thread[2];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int w = 0; w < workers.length; w++) {
            int me = w;
            workers[w] = new Thread(() -> {
                long pause = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                while (System.nanoTime() < end) {
                    orders.increment();
                    counted[me]++;
                    try (Timer.Context t = checkout.time()) {
                        Math.sqrt(next);
                    }
                    timed[me]++;
                    next += pause;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            });
            workers[w].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println("recorded, closing");
        metrics.close();
        System.out.println("sent counter=" + (counted[0] + counted[1]) + " timers=" + (timed[0] + timed[1]) + " dropped=" + metrics.dropped());
    }
}
