package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.e2e.apps.MicrometerApp;
import lodestar.testkit.LodestarProcess;

/**
 * Issue 13, Micrometer: an application on Micrometer's own StatsD registry (DogStatsD flavour, configured as the
 * README says) sends to the platform's StatsD listener; the counter total, timer count and timer total that
 * Micrometer reports are in the store, under the application's level and source tags (Micrometer adds
 * {@code statistic=count} to counters). And lodestar.instrument's StatsD transport into the same listener.
 * About 30 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicrometerIT {

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private int port;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        port = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.statsd-apps.cfg", Map.of("port", "" + port, "flushInterval", "1s"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("statsd listener statsd-apps on", 60_000), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    @Test
    void micrometersCountsAndTimingsArriveAsMicrometerReportsThem() throws Exception {
        Process app = InstrumentIT.java(MicrometerApp.class, "" + port, "2000");
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the application ends");
        String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("micrometer counter=(\\d+) timer.count=(\\d+) timer.totalMillis=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        double counter = Double.parseDouble(m.group(1));
        double timerCount = Double.parseDouble(m.group(2));
        double timerTotal = Double.parseDouble(m.group(3));
        assertEquals(2000, counter);
        String tags = ";level=info;source=micrometer-app";
        assertEquals(counter, awaitSum("stats_counts.orders" + tags + ";statistic=count", counter), "the counter: " + lodestar.shell("lodestar:series *orders*"));
        assertEquals(timerCount, awaitSum("stats.timers.checkout.count" + tags, timerCount), "the timer's count");
        assertEquals(timerTotal, awaitSum("stats.timers.checkout.sum" + tags, timerTotal), 0.5, "the timer's total milliseconds");
    }

    /** The library's StatsD transport into the same listener: level and source arrive as DogStatsD tags. */
    @Test
    void theLibraryOverStatsdArrivesWithLevelAndSource() throws Exception {
        Process app = InstrumentIT.java(lodestar.e2e.apps.InstrumentedApp.class, "udp://127.0.0.1:" + port, "3", "200");
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the application ends");
        String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("sent counter=(\\d+) timers=(\\d+) dropped=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        double counted = Double.parseDouble(m.group(1));
        double timed = Double.parseDouble(m.group(2));
        assertEquals(0, Long.parseLong(m.group(3)), out);
        assertEquals(counted, awaitSum("stats_counts.orders;level=info;source=app", counted), "every increment, over loopback UDP");
        assertEquals(timed, awaitSum("stats.timers.checkout.count;level=debug;source=app", timed), "every timing");
    }

    private double awaitSum(String key, double expected) throws Exception {
        double got = 0;
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            got = ZibratoWireIT.sum(lodestar.shell("lodestar:query '" + key + "' 10"));
            if (got >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        return got;
    }
}
