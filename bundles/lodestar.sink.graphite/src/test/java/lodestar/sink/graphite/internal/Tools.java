package lodestar.sink.graphite.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/** Finds the external programs the tests drive (python3, carbon-cache, whisper-fetch). */
final class Tools {

    private Tools() {
    }

    /** The first of {@code names} found on the PATH or in /usr/bin. */
    static Optional<Path> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin"
                + File.pathSeparator + "/usr/local/bin";
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The program, or: a failure on CI (env {@code CI=true}, where it must be installed), a skipped test
     * elsewhere.
     */
    static Path require(String what, String... names) {
        Optional<Path> p = find(names);
        if (p.isEmpty()) {
            String msg = what + " not found (looked for " + String.join(", ", names) + "); install it (Debian: "
                    + "apt-get install graphite-carbon python3-whisper) to run this test";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.assumeTrue(false, msg);
        }
        return p.get();
    }
}
