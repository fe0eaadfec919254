package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.LodestarProcess;

/**
 * Issue 13, level workers: Lodestar as the worker of Zibrato's own broker (its design in pyzmq,
 * {@code zibrato_broker.py}), subscribed to {@code info,warning} as Zibrato's Librato worker with
 * {@code --levels info,warning}. The Zibrato application's info and warning counters arrive whole, nothing of its
 * debug and critical levels does. About 15 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZibratoWorkerIT {

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private Process broker;
    private int port;

    @BeforeAll
    void start() throws Exception {
        port = ZibratoWireIT.freePortPair();
        broker = new ProcessBuilder(ZibratoWireIT.python(), ZibratoWireIT.PYTHON_DIR.resolve("zibrato_broker.py").toString(), "" + port)
                .redirectErrorStream(true).start();
        assertEquals("ready", new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8)).readLine());
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        lodestar.config("lodestar.listener.zeromq-worker.cfg",
                Map.of("connect", "tcp://127.0.0.1:" + (port + 1), "levels", "info,warning", "flushInterval", "1s"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("zeromq listener zeromq-worker: subscribed to", 60_000), lodestar.output());
        Thread.sleep(500); // the subscription reaches the broker
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyTheSubscribedLevelsArriveAndWhole() throws Exception {
        Process app = new ProcessBuilder(ZibratoWireIT.python(), ZibratoWireIT.PYTHON_DIR.resolve("zibrato_app.py").toString(), "" + port, "40")
                .directory(ZibratoWireIT.PYTHON_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String expected = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(app.waitFor(30, TimeUnit.SECONDS) && app.exitValue() == 0, expected);
        assertEquals(40.0, awaitSum("orders;level=info;source=shop", 40), "info counter");
        assertEquals(8.0, awaitSum("orders.failed;level=warning;source=not_specified", 8), "warning counter");
        assertEquals(40.0, awaitSum("render.count;level=info;source=web1", 40), "info timer count");
        Thread.sleep(2000); // what else would have come in the meantime
        String series = lodestar.shell("lodestar:series");
        assertTrue(!series.contains("level=critical") && !series.contains("level=debug"), "no other level: " + series);
        assertTrue(series.contains("level=info"), series);
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
