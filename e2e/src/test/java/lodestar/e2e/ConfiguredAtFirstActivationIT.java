package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.LodestarProcess;

/**
 * Components whose configuration is optional meet their conf/ file at their first activation, on every start: the
 * store's snapshot is loaded from the operator's directory under the operator's limits. Until start levels put
 * FileInstall's first scan before the plugins, the store started with its defaults and was reconfigured half a
 * second later: a store kept in a configured {@code directory} came back empty after every restart (the default
 * directory was loaded, the configured one then overwritten), and one bigger than 64MB or older than 7 days lost
 * the excess to the default limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfiguredAtFirstActivationIT {

    private static final int POINTS = 5;

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    @Test
    void theStoreComesBackFromItsConfiguredDirectoryAfterARestart() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        int graphitePort = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.graphite-in.cfg", Map.of("port", String.valueOf(graphitePort), "udp", "false",
                "picklePort", "0"));
        lodestar.config("lodestar.store.cfg", Map.of("directory", "history", "maxMemory", "96MB", "persistInterval", "0"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("Ready: listening", 60_000), lodestar.output());

        long base = System.currentTimeMillis() / 1000 - 600;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), graphitePort)) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < POINTS; i++) {
                out.write(("e2e.firstconf.kept " + (10 + i) + " " + (base + 60L * i) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }
        assertTrue(Eventually.within(30_000, () -> values().size() == POINTS), values() + "\n" + lodestar.output());
        int exit = lodestar.stop(60_000);
        assertTrue(exit == 0 || exit == 143, "exit code on SIGTERM: " + exit + "\n" + lodestar.output());
        assertTrue(Files.isRegularFile(home.resolve("history").resolve("store.snap")), "the snapshot, where configured");

        lodestar.start();
        // the output file goes on from the first start: the second start's lines are counted
        assertTrue(Eventually.within(60_000, () -> lodestar.countOutput("Ready: listening") == 2), lodestar.output());
        assertEquals(1, lodestar.countOutput("store loaded [1-9][0-9]* series, [1-9][0-9]* points, .* from .*history/store\\.snap"),
                lodestar.output());
        assertEquals(List.of(10.0, 11.0, 12.0, 13.0, 14.0), values(), lodestar.output());
        // neither start activated the store, the core or the system beacon with defaults first
        assertEquals(0, lodestar.countOutput("store reconfigured|core configuration updated"), lodestar.output());
        assertEquals(2, lodestar.countOutput("system beacon: system\\.vm"), lodestar.output());
    }

    private List<Double> values() throws Exception {
        return lodestar.query("e2e.firstconf.kept", 30);
    }
}
