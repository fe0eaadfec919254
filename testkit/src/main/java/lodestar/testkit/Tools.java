package lodestar.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/** Finds the external programs the tests drive (python3, carbon-cache, whisper-fetch, influxd, prometheus). */
public final class Tools {

    private Tools() {
    }

    /** The first of {@code names} found on the PATH or in /usr/bin. */
    public static Optional<Path> find(String... names) {
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
     * The first of {@code names} found (see {@link #find}), or: a failure on CI (env {@code CI=true},
     * where it must be installed), a skipped test elsewhere, with a message that names the Debian
     * package to install.
     *
     * @param debianPackage the package that provides the program ({@code graphite-carbon} for
     *                      {@code carbon-cache}, {@code python3-whisper} for {@code whisper-fetch})
     * @param names         the program's names, the first also for the message
     */
    public static Path require(String debianPackage, String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("no program name given for " + debianPackage);
        }
        Optional<Path> p = find(names);
        if (p.isEmpty()) {
            String msg = missing(debianPackage, names);
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.assumeTrue(false, msg);
        }
        return p.get();
    }

    /** The message for a program not found. */
    static String missing(String debianPackage, String... names) {
        return names[0] + " not found (looked for " + String.join(", ", names) + " on the PATH, in /usr/bin and"
                + " /usr/local/bin); install it (Debian: apt-get install " + debianPackage + ") to run this test";
    }
}
