package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import lodestar.testkit.LodestarProcess;

/**
 * The README's first command, {@code ./lodestar}, as a user runs it (with LODESTAR_NO_BUILD=1: the build has just
 * made the jar), on the JDK the tests are given ({@link LodestarProcess#javaHome()}): the platform starts in the
 * given home; what the launcher keeps for a faster start (a class data sharing archive before JDK 25, an AOT cache
 * from 25 on) is made from the first run and used, silently, at the next start; LODESTAR_LOG_LEVEL sets the log
 * level; SIGTERM ends the JVM as SIGTERM does (143) after a clean stop.
 */
class LauncherIT {

    private static final String STARTED = "system beacon: system.vm";

    private final Path home = LodestarProcess.tempDir();
    private final Path data = home.resolve("data");
    private final int jdk = LodestarProcess.javaFeatureVersion();

    @Test
    void beforeJdk25TheClassArchiveIsWrittenAtTheFirstStopAndUsedAtTheNext() throws Exception {
        assumeTrue(jdk < 25, "JDK " + jdk + " gets an AOT cache instead");
        Path out1 = home.resolve("first.out");
        runUntilStarted(out1, null);
        List<Path> archives = files("cds-\\d+\\.jsa");
        assertEquals(1, archives.size(), "one archive in data/ after the first stop\n" + read(out1));
        Path jsa = archives.get(0);
        // 0xf00baba8, little-endian: a whole dynamic CDS archive
        assertEquals(List.of((byte) 0xa8, (byte) 0xab, (byte) 0x0b, (byte) 0xf0), magic(jsa), "archive header of " + jsa);

        Path out2 = home.resolve("second.out");
        Process second = launch(out2, "debug");
        try {
            assertTrue(await(second, out2, STARTED), "second start\n" + read(out2));
            assertTrue(read(out2).contains(" DEBUG "), "LODESTAR_LOG_LEVEL=debug: no debug line\n" + read(out2));
            assertFalse(read(out1).contains(" DEBUG "), "debug lines without LODESTAR_LOG_LEVEL");
            assertTrue(cmdline(second).contains("-XX:SharedArchiveFile=" + jsa), cmdline(second));
            // mapped into the JVM: the archive was accepted, not silently ignored
            assertTrue(maps(second).contains(jsa.toString()), "archive not mapped: the JVM ignored it\n" + read(out2));
        } finally {
            assertEquals(143, stop(second), "exit code on SIGTERM\n" + read(out2));
        }
        assertNoJvmNoise(out1, out2);
    }

    @Test
    void fromJdk25TheAotCacheIsRecordedAtTheFirstStopMadeAndUsedAtTheNextAndRemadeWhenRefused() throws Exception {
        assumeTrue(jdk >= 25, "JDK " + jdk + " gets a class data sharing archive instead");
        // first run: records what it loads and links, and says so in the one line the JVM always prints
        Path out1 = home.resolve("first.out");
        runUntilStarted(out1, null);
        List<Path> records = files("aot-\\d+\\.aotconf");
        assertEquals(1, records.size(), "one AOT record in data/ after the first stop\n" + read(out1));
        assertEquals(List.of(), files("aot-\\d+\\.aot"), "no cache before the next start");
        assertTrue(read(out1).contains("AOTConfiguration recorded: " + records.get(0)), read(out1));
        Path aot = data.resolve(records.get(0).getFileName().toString().replace(".aotconf", ".aot"));

        // second: the launcher makes the cache from the record, and the JVM maps it
        Path out2 = home.resolve("second.out");
        Process second = launch(out2, "debug");
        try {
            assertTrue(await(second, out2, STARTED), "second start\n" + read(out2) + aotLogs());
            assertTrue(read(out2).contains(" DEBUG "), "LODESTAR_LOG_LEVEL=debug: no debug line\n" + read(out2));
            assertFalse(read(out1).contains(" DEBUG "), "debug lines without LODESTAR_LOG_LEVEL");
            assertTrue(cmdline(second).contains("-XX:AOTCache=" + aot), cmdline(second) + aotLogs());
            // 0xf00baba2, little-endian: a whole static archive, which an AOT cache is
            assertEquals(List.of((byte) 0xa2, (byte) 0xab, (byte) 0x0b, (byte) 0xf0), magic(aot), "cache header of " + aot);
            assertTrue(maps(second).contains(aot.toString()), "cache not mapped: the JVM refused it\n" + aotLogs());
            assertFalse(Files.exists(records.get(0)), "the record is removed once the cache is made");
        } finally {
            assertEquals(143, stop(second), "exit code on SIGTERM\n" + read(out2));
        }
        assertFalse(read(out2).contains("AOTConfiguration recorded"), "nothing recorded while the cache is used\n" + read(out2));

        // a cache cut short (a disk that filled up, a copy interrupted): its header is right, so the launcher
        // offers it; the JVM refuses it, says so in data/aot.log only, and the platform starts without it
        try (RandomAccessFile f = new RandomAccessFile(aot.toFile(), "rw")) {
            f.setLength(64 * 1024);
        }
        Path out3 = home.resolve("third.out");
        Process third = launch(out3, null);
        try {
            assertTrue(await(third, out3, STARTED), "a start with a broken cache\n" + read(out3));
            assertTrue(cmdline(third).contains("-XX:AOTCache=" + aot), cmdline(third));
            assertFalse(maps(third).contains(aot.toString()), "a cut cache mapped?\n" + aotLogs());
            assertTrue(read(data.resolve("aot.log")).contains("[error"), "the refusal in data/aot.log\n" + aotLogs());
        } finally {
            assertEquals(143, stop(third), "exit code on SIGTERM\n" + read(out3));
        }

        // ... so the next start drops it and records again
        Path out4 = home.resolve("fourth.out");
        Process fourth = launch(out4, null);
        try {
            assertTrue(await(fourth, out4, STARTED), "the start after a refused cache\n" + read(out4));
            assertTrue(cmdline(fourth).contains("-XX:AOTMode=record"), cmdline(fourth));
            assertFalse(cmdline(fourth).contains("-XX:AOTCache="), cmdline(fourth));
            assertFalse(Files.exists(aot), "the refused cache is removed");
        } finally {
            assertEquals(143, stop(fourth), "exit code on SIGTERM\n" + read(out4));
        }
        assertEquals(1, files("aot-\\d+\\.aotconf").size(), "recorded again\n" + read(out4));
        assertNoJvmNoise(out1, out2, out3, out4);
    }

    /** Starts, waits for the platform to be up, stops with SIGTERM (where the archive or record is written). */
    private void runUntilStarted(Path out, String logLevel) throws Exception {
        Process p = launch(out, logLevel);
        try {
            assertTrue(await(p, out, STARTED), "first start\n" + read(out));
        } finally {
            assertEquals(143, stop(p), "exit code on SIGTERM\n" + read(out));
        }
    }

    /**
     * The platform's log says nothing about class sharing or AOT (its messages go to data/), and nothing of the
     * JDK's warnings about the platform's bundles (JDK 24 and later: Unsafe, native access), which the launcher's
     * options allow explicitly.
     */
    private void assertNoJvmNoise(Path... outs) throws IOException {
        for (Path out : outs) {
            String text = read(out);
            for (String noise : List.of("[cds", "[aot", "[warning]", "[error", "Picked up",
                    "WARNING: A terminally deprecated method", "WARNING: A restricted method")) {
                assertFalse(text.contains(noise), "'" + noise + "' in the log " + out + "\n" + text);
            }
        }
    }

    private Process launch(Path out, String logLevel) throws IOException {
        Path repo = LodestarProcess.builtJar().getParent().getParent().getParent();
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("lodestar").toString(), "--home", home.toString(),
                "-Dorg.osgi.service.http.port=" + LodestarProcess.freePort(),
                "-Dorg.apache.felix.http.port=" + LodestarProcess.freePort(),
                "-Dosgi.shell.telnet.port=" + LodestarProcess.freePort());
        pb.environment().put("LODESTAR_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", LodestarProcess.javaHome().toString());
        pb.environment().remove("JAVA");
        pb.environment().remove("LODESTAR_JAR");
        pb.environment().remove("LODESTAR_JAVA_OPTS");
        pb.environment().remove("LODESTAR_CDS");
        pb.environment().remove("LODESTAR_HOME");
        pb.environment().remove("LODESTAR_LOG_LEVEL");
        if (logLevel != null) {
            pb.environment().put("LODESTAR_LOG_LEVEL", logLevel);
        }
        return pb.directory(home.toFile()).redirectErrorStream(true).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).start();
    }

    /** SIGTERM to the JVM (the launcher exec's it), then waits: the archive or record is written on the way out. */
    private static int stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }

    private List<Path> files(String regex) throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> p.getFileName().toString().matches(regex)).toList();
        }
    }

    private String aotLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("aot.log", "aot-create.log", "aot-record.log")) {
            b.append("\n--- data/").append(name).append(":\n").append(read(data.resolve(name)));
        }
        return b.toString();
    }

    private static List<Byte> magic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(4);
            return List.of(m[0], m[1], m[2], m[3]);
        }
    }

    private static String cmdline(Process p) throws IOException {
        return Files.readString(Path.of("/proc", "" + p.pid(), "cmdline")).replace('\0', ' ');
    }

    private static String maps(Process p) throws IOException {
        return Files.readString(Path.of("/proc", "" + p.pid(), "maps"));
    }

    private static boolean await(Process p, Path out, String text) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < end && p.isAlive()) {
            if (read(out).contains(text)) {
                return true;
            }
            Thread.sleep(100);
        }
        return read(out).contains(text);
    }

    private static String read(Path out) throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }
}
