package lodestar.beacon.system.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the items of one group that failed (one mount whose statvfs is denied, one device that
 * vanished mid-read) so the collector can emit every other item first and then report them all in one
 * {@link Collector.PartialFailure}.
 */
final class Failures {

    private final String what;
    private final List<String> items = new ArrayList<>();
    private Throwable first;
    private int attempted;

    /** @param what the kind of item, plural: {@code mounts}, {@code devices}, {@code interfaces} */
    Failures(String what) {
        this.what = what;
    }

    void attempted() {
        attempted++;
    }

    void failed(String item, Throwable t) {
        if (first == null) {
            first = t;
        }
        items.add(item + " (" + t + ")");
    }

    void throwIfAny() throws Collector.PartialFailure {
        if (!items.isEmpty()) {
            throw new Collector.PartialFailure(items.size() + " of " + attempted + " " + what + " failed: "
                    + String.join(", ", items), first);
        }
    }
}
