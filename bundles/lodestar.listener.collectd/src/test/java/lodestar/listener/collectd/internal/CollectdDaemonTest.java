package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lodestar.testkit.CapturingPipeline;
import lodestar.api.Sample;
import lodestar.testkit.CollectdProcess;
import lodestar.testkit.Configs;

/**
 * End to end with a real collectd (Debian's collectd-core): the test starts {@code collectd -f} with the cpu,
 * memory, load and interface plugins on a 1 s interval and the network plugin sending to the listener on
 * loopback, at each security level, and checks the values that arrive in a capturing pipeline. Skipped when
 * collectd is not installed, a failure when {@code CI=true}.
 */
class CollectdDaemonTest {

    private static final String USER = "lodestar";
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    Path dir;

    /** Starts collectd sending to 127.0.0.1:port at the given level. */
    CollectdProcess start(String name, String host, int port, String level) throws IOException {
        return CollectdProcess.start(dir.resolve(name), host, port, level, USER, PASSWORD);
    }

    CollectdListener listener(CapturingPipeline pipe, String level) throws IOException {
        Path auth = Files.writeString(dir.resolve("auth"), USER + ": " + PASSWORD + "\n");
        return new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0, "securityLevel", level,
                "authFile", auth.toString(), "statsInterval", "0"), pipe, Map.of());
    }

    static boolean named(Sample s, String host, String rest) {
        return s.name().equals("collectd." + host + "." + rest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "sign", "encrypt"})
    void valuesArriveAtEachSecurityLevel(String level) throws Exception {
        String host = "e2e." + level;
        String h = "e2e_" + level;
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = listener(pipe, level);
        String wire = Character.toUpperCase(level.charAt(0)) + level.substring(1);
        CollectdProcess p = start(level, host, l.port(), wire);
        try {
            // cpu and interface are rates: they need two readings (1 s apart) before the first value
            boolean all = pipe.await(s -> s.name().startsWith("collectd." + h + ".cpu."), 15_000)
                    && pipe.await(s -> s.name().startsWith("collectd." + h + ".interface.lo.if_octets."), 5_000)
                    && pipe.await(s -> named(s, h, "memory.used"), 5_000)
                    && pipe.await(s -> named(s, h, "load.shortterm"), 5_000);
            assertTrue(all, () -> "missing values; got " + pipe.samples.stream().map(Sample::name).distinct().sorted().toList()
                    + " status " + l.status().counters() + " collectd log: " + p.log());
            List<Sample> mine = pipe.matching(s -> s.name().startsWith("collectd." + h + "."));
            assertTrue(pipe.matching(s -> named(s, h, "memory.used")).stream().allMatch(s -> s.value() > 0));
            assertTrue(pipe.matching(s -> s.name().startsWith("collectd." + h + ".load.")).stream().allMatch(s -> s.value() >= 0));
            List<Sample> rates = mine.stream().filter(s -> s.kind() == lodestar.api.Kind.RATE).toList();
            assertTrue(rates.size() > 0);
            assertTrue(rates.stream().allMatch(s -> s.value() >= 0), () -> "negative rate in " + rates);
            long now = System.currentTimeMillis();
            assertTrue(mine.stream().allMatch(s -> Math.abs(s.timestamp() - now) < 60_000), "timestamps are collectd's, near now");
            Map<String, Long> c = l.status().counters();
            assertEquals(0L, c.get("bad_input"), c.toString());
            assertEquals(0L, c.get("rejected"), c.toString());
        } finally {
            p.close();
            l.deactivate();
        }
    }

    @Test
    void atEncryptAPlainSenderIsRejected() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = listener(pipe, "encrypt");
        CollectdProcess plain = start("plain", "plain.sender", l.port(), "None");
        CollectdProcess signed = start("signed", "signed.sender", l.port(), "Sign");
        CollectdProcess enc = start("enc", "enc.sender", l.port(), "Encrypt");
        try {
            assertTrue(pipe.await(s -> named(s, "enc_sender", "memory.used"), 15_000), () -> l.status().counters().toString());
            long end = System.currentTimeMillis() + 10_000;
            while ((l.status().counters().get("rejected.unencrypted") < 2) && System.currentTimeMillis() < end) {
                Thread.sleep(100);
            }
            Map<String, Long> c = l.status().counters();
            assertTrue(c.get("rejected.unencrypted") >= 2, c.toString());
            assertTrue(pipe.matching(s -> s.name().startsWith("collectd.plain_sender.") || s.name().startsWith("collectd.signed_sender.")).isEmpty());
        } finally {
            plain.close();
            signed.close();
            enc.close();
            l.deactivate();
        }
    }
}
