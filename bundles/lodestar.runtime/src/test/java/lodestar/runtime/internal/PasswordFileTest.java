package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    @TempDir
    Path home;

    @Test
    void generatedOnceOwnerOnlyAndReadBack() throws IOException {
        PasswordFile f = new PasswordFile(home.resolve("data/viewer.password"), new SecureRandom());
        assertNull(f.read());
        String first = f.readOrCreate();
        assertEquals(24, first.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())));
        assertEquals(first, f.readOrCreate(), "later starts reuse it");
        Files.writeString(f.path(), "chosen-by-me\n");
        Files.setPosixFilePermissions(f.path(), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("chosen-by-me", f.read());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())), "narrowed when read");
        Files.delete(f.path());
        assertNotEquals(first, f.readOrCreate(), "deleted: a new one");
    }
}
