package lodestar.sink.graphite.internal;

import static lodestar.sink.graphite.internal.Configs.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.testkit.CarbonProcess;
import lodestar.testkit.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The sink against a real carbon-cache: what it sends is what whisper stores, in both protocols, and a
 * Carbon that stops and starts again gets the batch that failed meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GraphiteSinkCarbonTest {

    @TempDir
    static Path dir;

    private static CarbonProcess carbon;
    /** A whole second a few minutes back, well inside the 1s:1h retention. */
    private static final long T0 = System.currentTimeMillis() / 1000 - 300;

    @BeforeAll
    static void startCarbon() throws Exception {
        Path carbonCache = Tools.require("graphite-carbon", "carbon-cache");
        Path whisperFetch = Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py");
        carbon = new CarbonProcess(carbonCache, whisperFetch, dir);
        carbon.start(); // stopped by a shutdown hook too when the JVM is ended mid-test
    }

    @AfterAll
    static void stopCarbon() throws Exception {
        if (carbon != null) {
            carbon.close();
        }
    }

    private static Sample at(String name, Tags tags, double value, long seconds) {
        return Sample.of(name, tags, value, seconds * 1000 + 123, Kind.GAUGE);
    }

    private static Sample at(String name, double value, long seconds) {
        return at(name, Tags.EMPTY, value, seconds);
    }

    private static void assertStored(String path, Map<Long, Double> expected) throws Exception {
        long from = expected.keySet().stream().mapToLong(Long::longValue).min().orElseThrow() - 2;
        long until = expected.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() + 2;
        assertEquals(expected, carbon.awaitPoints(path, from, until, expected),
                path + " in " + carbon.whisperFile(path) + "\n" + carbon.logTail());
    }

    /** The same mix of samples through either protocol. */
    private static void writeAndReadBack(GraphiteSink sink, String base) throws Exception {
        try {
            sink.write(List.of(
                    at(base + ".gauge", 1.5, T0),
                    at(base + ".gauge", 42, T0 + 1),
                    at(base + ".gauge", -0.25, T0 + 2),
                    at(base + ".gauge", Double.NaN, T0 + 3),
                    at(base + ".my disk/usage", 7, T0),
                    at(base + ".température", 0.1, T0),
                    at(base + ".tagged", Tags.of("host", "web1", "dc", "eu"), 9.75, T0)));
            assertEquals(1, sink.skippedNonFinite());
        } finally {
            sink.deactivate();
        }
        assertStored(base + ".gauge", Map.of(T0, 1.5, T0 + 1, 42.0, T0 + 2, -0.25));
        assertStored(base + ".my_disk_usage", Map.of(T0, 7.0));
        assertStored(base + ".température", Map.of(T0, 0.1));
        assertStored(base + ".tagged;dc=eu;host=web1", Map.of(T0, 9.75));
    }

    @Test
    @Order(1)
    void plaintext() throws Exception {
        writeAndReadBack(sink("port", carbon.linePort), "lodestar.it.plain");
    }

    @Test
    @Order(2)
    void pickle() throws Exception {
        writeAndReadBack(sink("port", carbon.picklePort, "protocol", "pickle"), "lodestar.it.pickle");
    }

    @Test
    @Order(3)
    void pickleBatchLargerThanOneMessage() throws Exception {
        GraphiteSink sink = sink("port", carbon.picklePort, "protocol", "pickle");
        List<Sample> batch = new ArrayList<>();
        Map<Long, Double> expected = new LinkedHashMap<>();
        long start = T0 - 1500;
        for (int i = 0; i < 1200; i++) {
            batch.add(at("lodestar.it.pickle.bulk", i * 0.5, start + i));
            expected.put(start + i, i * 0.5);
        }
        try {
            sink.write(batch);
        } finally {
            sink.deactivate();
        }
        assertStored("lodestar.it.pickle.bulk", expected);
    }

    @Test
    @Order(4)
    void prefixAndTagsAsPath() throws Exception {
        GraphiteSink sink = sink("port", carbon.linePort, "prefix", "pfx", "tagsAsPath", true);
        try {
            sink.write(List.of(at("lodestar.it.path.cpu", Tags.of("host", "web1.example", "cpu", "0"), 12.5, T0)));
        } finally {
            sink.deactivate();
        }
        assertStored("pfx.lodestar.it.path.cpu.0.web1_example", Map.of(T0, 12.5));
    }

    @Test
    @Order(5)
    void carbonStoppedThenStartedAgainGetsTheFailedBatch() throws Exception {
        GraphiteSink plain = sink("port", carbon.linePort);
        GraphiteSink pickle = sink("port", carbon.picklePort, "protocol", "pickle");
        try {
            plain.write(List.of(at("lodestar.it.restart.plain", 1, T0)));
            pickle.write(List.of(at("lodestar.it.restart.pickle", 1, T0)));
            // Carbon 1.1.7 does not write its cache out on SIGTERM: points that arrived in the last
            // second before a stop are lost inside Carbon (see README). Stop only once they are on disk.
            assertStored("lodestar.it.restart.plain", Map.of(T0, 1.0));
            assertStored("lodestar.it.restart.pickle", Map.of(T0, 1.0));

            carbon.stop();
            List<Sample> whileDown = List.of(at("lodestar.it.restart.plain", 2, T0 + 1));
            List<Sample> whileDownPickle = List.of(at("lodestar.it.restart.pickle", 2, T0 + 1));
            // the open connections are dead: the write must fail, not vanish into a closed socket
            assertThrows(IOException.class, () -> plain.write(whileDown));
            assertThrows(IOException.class, () -> pickle.write(whileDownPickle));
            assertThrows(IOException.class, () -> plain.write(whileDown), "still down: connection refused");

            carbon.start();
            // what the core's runner does after its backoff: the same batch again, then the next one
            plain.write(whileDown);
            pickle.write(whileDownPickle);
            plain.write(List.of(at("lodestar.it.restart.plain", 3, T0 + 2)));
            pickle.write(List.of(at("lodestar.it.restart.pickle", 3, T0 + 2)));
        } finally {
            plain.deactivate();
            pickle.deactivate();
        }
        assertStored("lodestar.it.restart.plain", Map.of(T0, 1.0, T0 + 1, 2.0, T0 + 2, 3.0));
        assertStored("lodestar.it.restart.pickle", Map.of(T0, 1.0, T0 + 1, 2.0, T0 + 2, 3.0));
    }
}
