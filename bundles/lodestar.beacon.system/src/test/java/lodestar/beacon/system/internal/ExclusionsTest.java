package lodestar.beacon.system.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExclusionsTest {

    @Test
    void exactNamesAndGlobs() {
        Exclusions e = Exclusions.of("lo", "docker*", "veth?");
        assertTrue(e.matches("lo"));
        assertFalse(e.matches("lo0"));
        assertTrue(e.matches("docker0"));
        assertTrue(e.matches("vethA"));
        assertFalse(e.matches("vethAB"));
        assertFalse(e.matches("eth0"));
        assertFalse(e.matches(null));
    }

    @Test
    void oneValueMaySeparatePatternsWithCommasOrSpaces() {
        // a FileInstall .cfg line "interfaceExclude=lo, docker*" arrives as one string
        Exclusions e = Exclusions.of("lo, docker*  veth*");
        assertTrue(e.matches("lo"));
        assertTrue(e.matches("docker0"));
        assertTrue(e.matches("veth12"));
    }

    @Test
    void emptyMatchesNothing() {
        assertTrue(Exclusions.of().isEmpty());
        assertTrue(Exclusions.of("", " ", ",").isEmpty());
        assertTrue(Exclusions.of((String[]) null).isEmpty());
        assertFalse(Exclusions.of("").matches(""));
    }

    @Test
    void starStopsAtSlashDoubleStarDoesNot() {
        Exclusions e = Exclusions.of("/snap/*", "/mnt/**");
        assertTrue(e.matches("/snap/core"));
        assertFalse(e.matches("/snap/core/123"));
        assertTrue(e.matches("/mnt/a/b/c"));
        assertFalse(e.matches("/media/x"));
    }

    @Test
    void regexCharactersAreLiteral() {
        Exclusions e = Exclusions.of("fuse.sshfs");
        assertTrue(e.matches("fuse.sshfs"));
        assertFalse(e.matches("fuseXsshfs"));
    }

    @Test
    void mountExcludeSplitsTypesFromPaths() {
        DiskCollector d = new DiskCollector(java.util.List::of, Exclusions.of("tmpfs", "fuse.*", "/mnt/**"));
        assertTrue(d.excluded("tmpfs", "/run/user/1000"));
        assertTrue(d.excluded("fuse.sshfs", "/home/x/remote"));
        assertTrue(d.excluded("ext4", "/mnt/backup"));
        assertFalse(d.excluded("ext4", "/"));
        assertFalse(d.excluded("ext4", "/tmpfs")); // a type pattern never matches a path
    }
}
