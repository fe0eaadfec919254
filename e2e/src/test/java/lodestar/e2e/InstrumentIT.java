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

import lodestar.e2e.apps.InstrumentedApp;
import lodestar.testkit.LodestarProcess;

/**
 * Issue 13, the Java library: an application process ({@link InstrumentedApp}) counts and times for 12 s against
 * the platform's ZeroMQ broker; the broker is stopped 4 s in (its configuration removed: DS deactivates it) and
 * started again 3 s later on the same port. Every counter increment and timer count the application recorded is
 * in the store but for at most what the library reports as dropped, and nothing is counted twice. About 30 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstrumentIT {

    static final String CFG = "lodestar.listener.zeromq-app.cfg";

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private int port;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        port = ZibratoWireIT.freePortPair();
        lodestar.config(CFG, Map.of("port", "" + port, "flushInterval", "1s"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("zeromq listener zeromq-app: broker on", 60_000), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    /** The application on this test's class path (the library, JeroMQ), in its own JVM. */
    static Process java(Class<?> main, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(LodestarProcess.javaHome().resolve("bin/java").toString(), "-Xmx128m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void everyCountArrivesButWhatTheLibraryReportsDroppedAcrossABrokerRestart() throws Exception {
        Process app = java(InstrumentedApp.class, "tcp://127.0.0.1:" + port, "12", "500");
        Thread.sleep(4000);
        Files.delete(lodestar.home.resolve("conf").resolve(CFG));
        assertTrue(lodestar.awaitOutput("zeromq listener zeromq-app: stopped", 10_000), lodestar.output());
        Thread.sleep(3000);
        lodestar.config(CFG, Map.of("port", "" + port, "flushInterval", "1s"));
        assertTrue(awaitCount("zeromq listener zeromq-app: broker on", 2, 15_000), lodestar.output());
        assertTrue(app.waitFor(40, TimeUnit.SECONDS), "the application ends");
        String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("sent counter=(\\d+) timers=(\\d+) dropped=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long counted = Long.parseLong(m.group(1));
        long timed = Long.parseLong(m.group(2));
        long dropped = Long.parseLong(m.group(3));
        assertTrue(counted > 5000, out);

        double storedCount = awaitSum("orders;level=info;source=app", counted - dropped);
        double storedTimers = awaitSum("checkout.count;level=debug;source=app", timed - dropped);
        System.out.printf("InstrumentIT: recorded %d increments and %d timings; stored %.0f and %.0f; the library reports %d dropped%n",
                counted, timed, storedCount, storedTimers, dropped);
        assertTrue(storedCount <= counted, "nothing counted twice: " + storedCount + " > " + counted);
        assertTrue(storedTimers <= timed, "nothing timed twice: " + storedTimers + " > " + timed);
        assertTrue(counted - storedCount <= dropped, "increments lost " + (counted - storedCount) + " > dropped " + dropped);
        assertTrue(timed - storedTimers <= dropped, "timings lost " + (timed - storedTimers) + " > dropped " + dropped);
        assertTrue(dropped < counted / 4, "the library kept what it recorded during the outage: dropped " + dropped);
    }

    private boolean awaitCount(String text, int n, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (lodestar.countOutput(Pattern.quote(text)) >= n) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private double awaitSum(String key, double expected) throws Exception {
        double got = 0;
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            got = ZibratoWireIT.sum(lodestar.shell("lodestar:query '" + key + "' 10"));
            if (got >= expected) {
                Thread.sleep(1500); // a late window still on its way: wait for it, so that duplicates would show
                return ZibratoWireIT.sum(lodestar.shell("lodestar:query '" + key + "' 10"));
            }
            Thread.sleep(500);
        }
        return got;
    }
}
