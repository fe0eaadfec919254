package lodestar.beacon.log.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Expands the {@code path} globs to the regular files they name right now. {@code *} and {@code ?} stay
 * within one path component, {@code **} crosses them, {@code {a,b}} and {@code [ab]} as in
 * {@link java.nio.file.FileSystem#getPathMatcher}. Only the folder before the first wildcard is walked,
 * and only as deep as the glob can reach, so {@code /var/log/app/*.log} never walks all of {@code /var}.
 */
final class Globs {

    private final List<Glob> globs;

    private record Glob(Path base, int depth, PathMatcher matcher, boolean literal) {
    }

    /**
     * @param home relative globs are resolved against it
     * @throws IllegalArgumentException starting with {@code path:} when there is no glob or one is malformed
     */
    Globs(String[] path, Path home) {
        List<Glob> list = new ArrayList<>();
        for (String p : path == null ? new String[0] : path) {
            if (p != null && !p.isBlank()) {
                list.add(glob(p.trim(), home));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("path: at least one file or glob is required, e.g. /var/log/app/*.log");
        }
        this.globs = List.copyOf(list);
    }

    /** The regular files matched now, sorted, each once. Unreadable folders are skipped. */
    List<Path> files() {
        TreeSet<Path> found = new TreeSet<>();
        for (Glob g : globs) {
            if (g.literal()) {
                if (Files.isRegularFile(g.base())) {
                    found.add(g.base());
                }
                continue;
            }
            if (!Files.isDirectory(g.base())) {
                continue;
            }
            try {
                Files.walkFileTree(g.base(), EnumSet.noneOf(FileVisitOption.class), g.depth(), new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && g.matcher().matches(file)) {
                            found.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // the folder vanished mid-walk: the next collection looks again
            }
        }
        return new ArrayList<>(found);
    }

    private static Glob glob(String text, Path home) {
        String abs = Path.of(text.replaceAll("[*?\\[\\]{}]", "x")).isAbsolute() ? text
                : home.toAbsolutePath().normalize().toString() + "/" + text;
        String[] parts = abs.split("/", -1);
        int first = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].matches(".*[*?\\[{].*")) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return new Glob(Path.of(abs).normalize(), 0, null, true);
        }
        String base = String.join("/", java.util.Arrays.copyOfRange(parts, 0, first));
        int depth = abs.contains("**") ? Integer.MAX_VALUE : parts.length - first;
        try {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs);
            return new Glob(Path.of(base.isEmpty() ? "/" : base), depth, m, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("path: malformed glob '" + text + "': " + e.getMessage());
        }
    }
}
