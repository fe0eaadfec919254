package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import lodestar.api.TimeSeries;

/**
 * The watched folder: a beacon dropped into it starts delivering and, removed again, stops while nothing
 * else notices; configuration files dropped into it start sinks, named after the file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT extends LodestarTestSupport {

    private static final String EXAMPLE = "lodestar.beacon.example";

    /** Set in the driver when the framework is configured; the probe reads it back from the framework. */
    @Configuration
    public Option[] config() {
        Path deploy = newDirectory("deploy");
        return lodestar(
                platform("fileinstall"),
                frameworkProperty("felix.fileinstall.dir").value(deploy.toString()),
                frameworkProperty("felix.fileinstall.poll").value("200"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.log.level").value("2"),
                frameworkProperty("lodestar.itest.example.jar").value(jar("beacon.example").toString()));
    }

    @Test
    public void deployedBeaconDeliversAndStopsWhenRemoved() throws Exception {
        Path deploy = Path.of(context().getProperty("felix.fileinstall.dir"));
        Path source = Path.of(context().getProperty("lodestar.itest.example.jar"));
        configure("lodestar.beacon.system", "interval", "500ms");
        configure(EXAMPLE, "interval", "200ms"); // waits in ConfigAdmin until the bundle arrives
        await("system beacon at 500ms", () -> status("beacon", "system").map(s -> s.counters().get("interval_ms"))
                .orElse(0L) == 500L);

        // copy next to the folder, then move in: FileInstall never sees a half-written jar
        Path tmp = deploy.resolveSibling(deploy.getFileName() + "-" + source.getFileName());
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Path deployed = Files.move(tmp, deploy.resolve(source.getFileName()), StandardCopyOption.ATOMIC_MOVE);

        await("bundle " + EXAMPLE + " installed and active",
                () -> installed(EXAMPLE).map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        await("beacon example scheduled every 200ms", () -> status("beacon", "example").isPresent()
                && counter("beacon", "example", "interval_ms") == 200L);
        await("example.dice points in the store", () -> raw("example.dice").size() >= 3);
        TimeSeries dice = raw("example.dice");
        for (double v : dice.values()) {
            assertTrue("a die shows 1..6: " + v, v >= 1 && v <= 6 && v == Math.rint(v));
        }

        Files.delete(deployed);
        await("bundle " + EXAMPLE + " uninstalled", () -> installed(EXAMPLE).isEmpty());
        long removedAt = System.currentTimeMillis();
        await("beacon example gone from the pipeline", () -> status("beacon", "example").isEmpty());

        // what was collected before the removal may still be in the store's runner (flushInterval 1s)
        Thread.sleep(1500);
        int diceAfterRemoval = raw("example.dice").size();
        long systemAfterRemoval = points("system.**");
        long systemRuns = counter("beacon", "system", "runs");

        await("the system beacon keeps delivering", () -> points("system.**") > systemAfterRemoval
                && counter("beacon", "system", "runs") >= systemRuns + 2);
        assertStaysFalse("example.dice points after the bundle was removed", 1200,
                () -> raw("example.dice").size() != diceAfterRemoval);
        TimeSeries last = raw("example.dice");
        assertEquals(diceAfterRemoval, last.size());
        assertTrue("no die rolled after the removal",
                last.timestamps()[last.size() - 1] <= removedAt);
    }

    @Test
    public void configurationFilesStartNamedSinks() throws Exception {
        Path deploy = Path.of(context().getProperty("felix.fileinstall.dir"));
        try (CarbonServer one = CarbonServer.plaintext(); CarbonServer two = CarbonServer.plaintext()) {
            // <pid>-<name>.cfg: a named factory instance
            Path named = drop(deploy, "lodestar.sink.graphite-carbon1.cfg", one.port());
            await("sink graphite-carbon1 running", () -> status("sink", "graphite-carbon1").isPresent());
            pipeline().emit(lodestar.api.Sample.gauge("itest.files.named", 7));
            await("itest.files.named at its server", () -> one.lines("itest.files.named ").size() == 1);
            Files.delete(named);
            await("sink graphite-carbon1 gone", () -> status("sink", "graphite-carbon1").isEmpty());

            // <pid>.cfg: the single, unnamed instance
            Path plain = drop(deploy, "lodestar.sink.graphite.cfg", two.port());
            await("sink graphite running", () -> status("sink", "graphite").isPresent());
            pipeline().emit(lodestar.api.Sample.gauge("itest.files.plain", 8));
            await("itest.files.plain at its server", () -> two.lines("itest.files.plain ").size() == 1);
            Files.delete(plain);
            await("sink graphite gone", () -> status("sink", "graphite").isEmpty());
            assertTrue("the store stays", status("sink", "store").isPresent());
        }
    }

    /** Writes a Graphite sink configuration next to the folder, then moves it in whole. */
    private static Path drop(Path deploy, String name, int port) throws Exception {
        Path tmp = deploy.resolveSibling(deploy.getFileName() + "-" + name);
        Files.writeString(tmp, "host=127.0.0.1\nport=" + port + "\nflushInterval=100ms\ninclude=itest.**\n");
        return Files.move(tmp, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
