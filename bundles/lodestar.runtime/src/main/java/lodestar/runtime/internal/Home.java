package lodestar.runtime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The platform home: the folders every bundle relies on, and commented default configuration files for a first
 * start. Never overwrites anything: a file that exists (edited by the operator, or saved from the web console)
 * stays as it is, a file the operator deleted comes back only as its default, and one renamed to
 * {@code <name>.off} stays off.
 */
final class Home {

    /** conf/ (watched configuration), deploy/ (watched bundle jars), data/ (state), scripts/ (script beacon). */
    static final List<String> FOLDERS = List.of("conf", "deploy", "data", "scripts");

    /** Default files, kept as resources under {@code defaults/} and written into conf/. */
    static final List<String> DEFAULTS = List.of(
            "lodestar.core.cfg",
            "lodestar.store.cfg",
            "lodestar.beacon.system.cfg",
            "lodestar.beacon.script.cfg",
            "lodestar.listener.statsd-default.cfg",
            "lodestar.sink.graphite-carbon.cfg.sample");

    private final Path root;

    Home(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The home named by the framework property {@code lodestar.home}; the current directory if it is unset. */
    static Home of(String property) {
        return new Home(Path.of(property == null || property.isBlank() ? "." : property.strip()));
    }

    Path root() {
        return root;
    }

    Path resolve(String folder) {
        return root.resolve(folder);
    }

    /** Creates the folders that are missing; returns those it created. */
    List<Path> createFolders() throws IOException {
        List<Path> created = new ArrayList<>();
        for (String name : FOLDERS) {
            Path dir = root.resolve(name);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                created.add(dir);
            }
        }
        return created;
    }

    /**
     * Writes each default file into conf/ unless a file of that name exists; returns those it wrote.
     *
     * @param resources opens a default by its file name (null if there is none)
     */
    List<Path> writeDefaults(Function<String, InputStream> resources) throws IOException {
        Path conf = root.resolve("conf");
        Files.createDirectories(conf);
        List<Path> written = new ArrayList<>();
        for (String name : DEFAULTS) {
            Path target = conf.resolve(name);
            // <name>.off: the operator turned this default off (renamed it) and does not want it back
            if (Files.exists(target) || Files.exists(conf.resolve(name + ".off"))) {
                continue;
            }
            try (InputStream in = resources.apply(name)) {
                if (in == null) {
                    throw new IOException("defaults/" + name + ": missing from the bundle");
                }
                // write beside and move, so FileInstall never reads half a file
                Path tmp = conf.resolve("." + name + ".tmp");
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    Files.deleteIfExists(tmp);
                    continue;
                }
                written.add(target);
            }
        }
        return written;
    }
}
