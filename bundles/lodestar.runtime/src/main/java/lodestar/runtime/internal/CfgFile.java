package lodestar.runtime.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.felix.utils.properties.TypedProperties;

/**
 * A configuration file in {@code conf/} as FileInstall reads it ({@code .cfg} or {@code .config}, Felix's
 * typed-properties syntax), able to take a configuration's current properties.
 *
 * <p>It is written the way FileInstall's own write-back would (comments, order and untouched lines kept;
 * the typed syntax only once a value is not a string) with two differences that matter: nothing is written
 * when the file already says what the configuration says, and the new text goes to a temporary file that is
 * renamed over the old one, so that a reader (FileInstall's scan) sees the old file or the new one, never a
 * truncated one.
 */
final class CfgFile {

    /** The property FileInstall stores in each configuration it made from a file: the file's URI. */
    static final String FILENAME = "felix.fileinstall.filename";

    /** Properties ConfigAdmin and FileInstall keep in every configuration; never written into the file. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid", FILENAME);

    private final Path file;
    private final Charset encoding;
    private final TypedProperties.SubstitutionCallback substitution;

    CfgFile(Path file, Charset encoding, TypedProperties.SubstitutionCallback substitution) {
        this.file = file;
        this.encoding = encoding;
        this.substitution = substitution;
    }

    /** The file a configuration was made from, or null when FileInstall did not make it. */
    static Path of(Object filenameProperty) {
        if (!(filenameProperty instanceof String name) || name.isBlank()) {
            return null;
        }
        return name.startsWith("file:") ? Path.of(URI.create(name)) : Path.of(name);
    }

    /** Whether FileInstall reads this file as a configuration (and so whether it may be written back). */
    static boolean isConfiguration(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".cfg") || name.endsWith(".config");
    }

    Path path() {
        return file;
    }

    /**
     * Makes the file say what {@code properties} say: changed and new keys are set, keys the configuration no
     * longer has are removed.
     *
     * @return true when the file was rewritten, false when it already agreed (or is an XML file, which FileInstall
     *         reads but this does not write)
     */
    boolean save(Map<String, ?> properties) throws IOException {
        // a symbolic link (e.g. placed by configuration management) stays a link; its target gets the new text
        Path target = file.toRealPath();
        String old = Files.readString(target, encoding);
        if (old.startsWith("<")) {
            return false;
        }
        TypedProperties props = new TypedProperties(substitution);
        try (Reader r = new java.io.StringReader(old)) {
            props.load(r);
        }
        boolean changed = false;
        for (String key : new ArrayList<>(props.keySet())) {
            if (!BOOKKEEPING.contains(key) && properties.get(key) == null) {
                props.remove(key);
                changed = true;
            }
        }
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!BOOKKEEPING.contains(e.getKey()) && !Objects.deepEquals(props.get(e.getKey()), e.getValue())) {
                props.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        if (!changed) {
            return false;
        }
        StringWriter text = new StringWriter();
        props.save(text);
        replace(target, text.toString().getBytes(encoding));
        return true;
    }

    /**
     * Writes the file, which must not exist yet, with {@code properties} under a comment: complete before it
     * appears (written beside it, then moved), with owner-only permissions when a value is a secret.
     *
     * @return false when the file exists already (nothing is written)
     */
    boolean create(Map<String, ?> properties, String comment) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        TypedProperties props = new TypedProperties(substitution);
        props.setHeader(java.util.List.of("# " + comment));
        boolean secret = false;
        for (Map.Entry<String, ?> e : new java.util.TreeMap<>(properties).entrySet()) {
            if (!BOOKKEEPING.contains(e.getKey()) && e.getValue() != null) {
                props.put(e.getKey(), e.getValue());
                secret |= lodestar.support.secrets.Secrets.isSecret(e.getKey());
            }
        }
        StringWriter text = new StringWriter();
        props.save(text);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".creating");
        try {
            Files.write(tmp, text.toString().getBytes(encoding));
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // nothing to narrow
                }
            }
            // no REPLACE_EXISTING: a file that appeared meanwhile (an operator's) wins
            Files.move(tmp, file);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One version of the file: its identity (inode), modification time and size. */
    record Version(Object key, FileTime modified, long size) {
    }

    /** The file's version now, or null when it does not exist. */
    Version version() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Version(a.fileKey(), a.lastModifiedTime(), a.size());
    }

    /** Whether the file is not (or no longer) the version {@code seen}. */
    boolean changedSince(Version seen) throws IOException {
        return !java.util.Objects.equals(version(), seen);
    }

    /** What {@link #deleteIf} did. */
    enum Deletion { DELETED, ABSENT, CHANGED }

    /**
     * Deletes the file if it is still the version that was last seen to agree with its configuration. A file
     * written since (an operator's or a tool's {@code rm} then {@code cp}, which FileInstall sees as a deletion
     * of the configuration followed by a new file) is the newer word and stays.
     */
    Deletion deleteIf(Version seen) throws IOException {
        Version now = version();
        if (now == null) {
            return Deletion.ABSENT;
        }
        if (!now.equals(seen)) {
            return Deletion.CHANGED;
        }
        return Files.deleteIfExists(file) ? Deletion.DELETED : Deletion.ABSENT;
    }

    private static void replace(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".saving");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                // a file holding a password keeps its narrow mode
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            } catch (UnsupportedOperationException notPosix) {
                // nothing to keep
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
