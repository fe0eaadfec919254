package lodestar.e2e.apps;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;

/**
 * A Micrometer-instrumented application, run as its own process by MicrometerIT: Micrometer's own StatsD registry
 * in its DogStatsD flavour pointed at Lodestar's StatsD listener (the configuration the README shows). It counts
 * orders and times checkouts, closes the registry (which sends what is buffered) and prints what Micrometer
 * reports: {@code micrometer counter=N timer.count=M timer.totalMillis=T}. Arguments: port, events.
 */
public final class MicrometerApp {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int events = Integer.parseInt(args[1]);
        Map<String, String> settings = Map.of("statsd.flavor", "datadog", "statsd.host", "127.0.0.1", "statsd.port", "" + port,
                "statsd.step", "1s");
        StatsdConfig config = settings::get;
        StatsdMeterRegistry registry = new StatsdMeterRegistry(config, Clock.SYSTEM);
        registry.config().commonTags("level", "info", "source", "micrometer-app");
        Thread.sleep(3000); // the registry's UDP client starts asynchronously: lines before it is up are lost
        Counter orders = Counter.builder("orders").register(registry);
        Timer checkout = Timer.builder("checkout").register(registry);
        for (int i = 0; i < events; i++) {
            orders.increment();
            checkout.record(Duration.ofMillis(1 + i % 50));
            if (i % 100 == 99) {
                Thread.sleep(20); // an application's pace, not a UDP flood
            }
        }
        Thread.sleep(500);
        registry.close();
        System.out.printf("micrometer counter=%.0f timer.count=%d timer.totalMillis=%.0f%n", orders.count(), checkout.count(),
                checkout.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
