package lodestar.beacon.system.internal;

import java.util.List;
import java.util.function.Supplier;

/**
 * A list of OSHI hardware objects (disks, network interfaces) kept across collections: listing them is
 * the expensive part (udev, NetworkInterface enumeration), refreshing their counters with
 * {@code updateAttributes()} is cheap. The list is discovered again every {@code period} (to see new
 * devices) and at the next collection after {@link #invalidate()} (a device vanished).
 */
final class Discovered<T> {

    private final Supplier<List<T>> discover;
    private final long periodNanos;
    private List<T> items;
    private long discoveredAt;
    private boolean fresh;

    Discovered(Supplier<List<T>> discover, long periodMillis) {
        this.discover = discover;
        this.periodNanos = periodMillis * 1_000_000L;
    }

    /** The current list, discovering it first when needed. */
    List<T> get() {
        long now = System.nanoTime();
        if (items == null || now - discoveredAt >= periodNanos) {
            items = List.copyOf(discover.get());
            discoveredAt = now;
            fresh = true;
        } else {
            fresh = false;
        }
        return items;
    }

    /** True when the last {@link #get()} discovered the list: its counters are current already. */
    boolean fresh() {
        return fresh;
    }

    /** Discover again at the next {@link #get()}. */
    void invalidate() {
        items = null;
    }
}
