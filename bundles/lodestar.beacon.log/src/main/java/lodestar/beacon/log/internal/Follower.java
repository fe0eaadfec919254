package lodestar.beacon.log.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps one {@link Tailer} per file the globs match and reads them all on each {@link #poll}. A file
 * replaced at its path (rotation: rename, then a new file) is read from its start, while the renamed
 * one is drained until it has stopped growing for a whole poll; a file that disappears is drained once
 * and dropped; a file that shrank is read again from its start. Used by one thread at a time.
 */
final class Follower implements AutoCloseable {

    /** Counts the caller publishes; updated by {@link #poll}. */
    interface Events {
        void rotated(Path path);

        void truncated(Path path);

        void failed(Path path, IOException e);
    }

    private final Globs globs;
    private final Map<Path, Tailer> active = new LinkedHashMap<>();
    /** Rotated-away files still being drained, with the position seen at the previous poll. */
    private final Map<Tailer, Long> retired = new LinkedHashMap<>();
    private final Events events;
    private long closedLongLines;

    /**
     * Opens the files that exist now: at their end unless {@code fromBeginning}. Files that appear later
     * are always read from their start: every line in them is new.
     */
    Follower(Globs globs, boolean fromBeginning, Events events) {
        this.globs = globs;
        this.events = events;
        for (Path p : globs.files()) {
            open(p, !fromBeginning);
        }
    }

    /** Reads every followed file's new complete lines into {@code lines}. */
    void poll(Consumer<String> lines) {
        drainRetired(lines);
        Set<Path> now = new HashSet<>(globs.files());
        for (Iterator<Map.Entry<Path, Tailer>> it = active.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Path, Tailer> e = it.next();
            Tailer t = e.getValue();
            if (!now.contains(e.getKey())) {
                // deleted or renamed with nothing new in its place: what was written before is still ours
                read(t, lines);
                t.flushPartial(lines);
                closeQuietly(t);
                it.remove();
            } else if (t.replaced()) {
                read(t, lines);
                retired.put(t, t.position());
                it.remove();
                events.rotated(e.getKey());
            }
        }
        for (Path p : now) {
            if (!active.containsKey(p)) {
                open(p, false);
            }
        }
        for (Tailer t : active.values()) {
            read(t, lines);
        }
    }

    /** Paths followed now, and rotated files still being drained. */
    int files() {
        return active.size() + retired.size();
    }

    long longLines() {
        long n = closedLongLines;
        for (Tailer t : active.values()) {
            n += t.longLines();
        }
        for (Tailer t : retired.keySet()) {
            n += t.longLines();
        }
        return n;
    }

    @Override
    public void close() {
        for (Tailer t : active.values()) {
            closeQuietly(t);
        }
        for (Tailer t : retired.keySet()) {
            closeQuietly(t);
        }
        active.clear();
        retired.clear();
    }

    /**
     * A writer may keep appending to the renamed file until it reopens its log (logrotate's postrotate
     * signal), so the old file is read until a whole poll passes without growth.
     */
    private void drainRetired(Consumer<String> lines) {
        List<Tailer> done = new ArrayList<>();
        for (Map.Entry<Tailer, Long> e : retired.entrySet()) {
            Tailer t = e.getKey();
            read(t, lines);
            if (t.position() == e.getValue()) {
                t.flushPartial(lines);
                done.add(t);
            } else {
                e.setValue(t.position());
            }
        }
        for (Tailer t : done) {
            retired.remove(t);
            closeQuietly(t);
        }
    }

    private void open(Path p, boolean atEnd) {
        try {
            active.put(p, Tailer.open(p, atEnd));
        } catch (IOException e) {
            events.failed(p, e);
        }
    }

    private void read(Tailer t, Consumer<String> lines) {
        try {
            if (t.read(lines)) {
                events.truncated(t.path());
            }
        } catch (IOException e) {
            events.failed(t.path(), e);
        }
    }

    private void closeQuietly(Tailer t) {
        closedLongLines += t.longLines();
        try {
            t.close();
        } catch (IOException e) {
            // nothing left to read from it anyway
        }
    }
}
