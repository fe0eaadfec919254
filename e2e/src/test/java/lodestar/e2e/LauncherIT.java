package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
 * made the jar): the platform starts in the given home, and the class data sharing archive the launcher asks for
 * is written at the first stop and used, silently, at the next start; LODESTAR_LOG_LEVEL sets the log level.
 */
class LauncherIT {

    private final Path home = LodestarProcess.tempDir();

    @Test
    void thePlatformStartsAndItsClassArchiveIsWrittenAtTheFirstStopAndUsedAtTheNext() throws Exception {
        Path repo = LodestarProcess.builtJar().getParent().getParent().getParent();
        Path out1 = home.resolve("first.out");
        Process first = launch(repo, out1, null);
        try {
            assertTrue(await(first, out1, "system beacon: system.vm"), "first start\n" + read(out1));
        } finally {
            stop(first);
        }
        List<Path> archives;
        try (Stream<Path> s = Files.list(home.resolve("data"))) {
            archives = s.filter(p -> p.getFileName().toString().matches("cds-\\d+\\.jsa")).toList();
        }
        assertEquals(1, archives.size(), "one archive in data/ after the first stop\n" + read(out1));
        Path jsa = archives.get(0);
        byte[] magic;
        try (InputStream in = Files.newInputStream(jsa)) {
            magic = in.readNBytes(4);
        }
        // 0xf00baba8, little-endian: a whole dynamic CDS archive
        assertEquals(List.of((byte) 0xa8, (byte) 0xab, (byte) 0x0b, (byte) 0xf0),
                List.of(magic[0], magic[1], magic[2], magic[3]), "archive header of " + jsa);

        Path out2 = home.resolve("second.out");
        Process second = launch(repo, out2, "debug");
        try {
            assertTrue(await(second, out2, "system beacon: system.vm"), "second start\n" + read(out2));
            assertTrue(read(out2).contains(" DEBUG "), "LODESTAR_LOG_LEVEL=debug: no debug line\n" + read(out2));
            assertTrue(!read(out1).contains(" DEBUG "), "debug lines without LODESTAR_LOG_LEVEL");
            String cmdline = Files.readString(Path.of("/proc", "" + second.pid(), "cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("-XX:SharedArchiveFile=" + jsa), cmdline);
            // mapped into the JVM: the archive was accepted, not silently ignored
            assertTrue(Files.readString(Path.of("/proc", "" + second.pid(), "maps")).contains(jsa.toString()),
                    "archive not mapped: the JVM ignored it\n" + read(out2));
        } finally {
            stop(second);
        }
        for (Path out : List.of(out1, out2)) {
            String text = read(out);
            assertTrue(!text.contains("[cds") && !text.contains("[warning]"), "CDS noise in the log\n" + text);
        }
    }

    private Process launch(Path repo, Path out, String logLevel) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("lodestar").toString(), "--home", home.toString(),
                "-Dorg.osgi.service.http.port=" + LodestarProcess.freePort(),
                "-Dorg.apache.felix.http.port=" + LodestarProcess.freePort(),
                "-Dosgi.shell.telnet.port=" + LodestarProcess.freePort());
        pb.environment().put("LODESTAR_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA");
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

    /** SIGTERM to the JVM (the launcher exec's it), then waits: the archive is written on the way out. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
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
