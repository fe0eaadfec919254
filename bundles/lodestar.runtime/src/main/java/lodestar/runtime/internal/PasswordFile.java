package lodestar.runtime.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * A generated password kept in a file only its owner may read ({@code data/webconsole.password},
 * {@code data/viewer.password}): read it, or make one on first start. A file with a wider mode is narrowed to 600
 * when read; a new one is created with mode 600 from the start, so there is no moment where others may read it.
 */
public final class PasswordFile {

    private static final char[] ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    static final int LENGTH = 24;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;
    private final SecureRandom random;

    public PasswordFile(Path file, SecureRandom random) {
        this.file = file;
        this.random = random;
    }

    public Path path() {
        return file;
    }

    /** A random password of 24 letters and digits (no look-alikes such as 0/O, 1/l). */
    public String generate() {
        StringBuilder sb = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** The password in the file, or null if there is none (or it is empty). */
    public String read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        restrict(file);
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? null : text;
    }

    /** The password in the file; a new one, written to the file, when there is none. */
    public String readOrCreate() throws IOException {
        String password = read();
        if (password == null) {
            password = generate();
            write(password);
        }
        return password;
    }

    /** Whether {@link #readOrCreate} would make a new password. */
    public boolean missing() throws IOException {
        return read() == null;
    }

    void write(String password) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file); // an empty file left behind
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + ": appeared while writing it", e);
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    }

    private static void restrict(Path file) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
    }
}
