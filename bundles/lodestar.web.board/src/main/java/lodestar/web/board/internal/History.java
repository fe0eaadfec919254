package lodestar.web.board.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent states of one tile, run-length encoded: each {@link Segment} is a status held by one or more results
 * in a row. A check that was red for a single result between two green ones leaves a segment of its own, however
 * short, so the strip shows it. At most {@code capacity} segments are kept, the oldest forgotten first: memory is
 * bounded whatever the check does. Not thread-safe (the board's poller alone writes it).
 */
final class History {

    /**
     * @param status the colour word: {@code ok}, {@code warning}, {@code critical}, {@code unknown}
     * @param from   the first result's time, epoch millis
     * @param to     the last result's time
     * @param count  results in the segment
     */
    record Segment(String status, long from, long to, int count) {
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private int capacity;
    private long lastTimestamp = Long.MIN_VALUE;

    History(int capacity) {
        resize(capacity);
    }

    /** A new bound; the oldest segments beyond it are dropped at once. */
    void resize(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        while (segments.size() > capacity) {
            segments.removeFirst();
        }
    }

    /**
     * Records a result if it is new (a later timestamp than the last recorded). A result seen again (the check did
     * not run since the last look) changes nothing.
     *
     * @return whether it was recorded
     */
    boolean record(String status, long timestamp) {
        if (timestamp <= lastTimestamp) {
            return false;
        }
        lastTimestamp = timestamp;
        Segment last = segments.peekLast();
        if (last != null && last.status().equals(status)) {
            segments.removeLast();
            segments.addLast(new Segment(status, last.from(), timestamp, last.count() + 1));
        } else {
            segments.addLast(new Segment(status, timestamp, timestamp, 1));
            if (segments.size() > capacity) {
                segments.removeFirst();
            }
        }
        return true;
    }

    List<Segment> segments() {
        return new ArrayList<>(segments);
    }

    long lastTimestamp() {
        return lastTimestamp;
    }
}
