package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.CollectdProcess;
import lodestar.testkit.LodestarProcess;

/**
 * A real collectd sending encrypted values (SecurityLevel Encrypt) to the platform's collectd listener;
 * the values are read back from the embedded store with {@code lodestar:series} and {@code lodestar:query}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectdEndToEndIT {

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private CollectdProcess collectd;

    @BeforeAll
    void start() throws Exception {
        CollectdProcess.binary();
        Path auth = Files.writeString(tmp.resolve("collectd.auth"), "e2e: pa55-word\n");
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        int port = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.collectd-e2e.cfg", Map.of("port", "" + port, "securityLevel", "encrypt",
                "authFile", auth.toString()));
        lodestar.start();
        assertTrue(lodestar.awaitReady(60_000), lodestar.output());
        collectd = CollectdProcess.start(tmp.resolve("collectd"), "e2e.host", port, "Encrypt", "e2e", "pa55-word");
    }

    @AfterAll
    void stop() throws Exception {
        if (collectd != null) {
            collectd.close();
        }
        if (lodestar != null) {
            lodestar.close();
        }
    }

    @Test
    void encryptedValuesFromARealCollectdLandInTheStore() throws Exception {
        long end = System.currentTimeMillis() + 45_000;
        String series = "";
        while (System.currentTimeMillis() < end) {
            series = lodestar.shell("lodestar:series 'collectd.e2e_host.**'");
            if (series.contains("collectd.e2e_host.memory.used") && series.contains("collectd.e2e_host.load.shortterm")
                    && series.contains("collectd.e2e_host.cpu.")) {
                break;
            }
            Thread.sleep(1000);
        }
        assertTrue(series.contains("collectd.e2e_host.memory.used"), "series:\n" + series + "\ncollectd:\n" + collectd.log()
                + "\nlodestar:\n" + lodestar.output());
        assertTrue(series.contains("collectd.e2e_host.load.shortterm"), series);
        assertTrue(series.contains("collectd.e2e_host.cpu."), series);
        String memory = lodestar.shell("lodestar:query collectd.e2e_host.memory.used 5");
        double used = lastValue(memory);
        assertTrue(used > 1_000_000, "memory used in bytes, from collectd via the store: " + memory);
        String status = lodestar.shell("lodestar:status");
        assertTrue(status.contains("collectd"), status);
    }

    /** The value on the last line of {@code lodestar:query}'s output (time, then value). */
    private static double lastValue(String queryOutput) {
        String[] lines = queryOutput.strip().split("\n");
        String[] cols = lines[lines.length - 1].trim().split("\\s+");
        return Double.parseDouble(cols[cols.length - 1]);
    }
}
