package lodestar.testkit;

import java.lang.management.ManagementFactory;

/** The test JVM's heap, for tests that bound what a component holds under load. */
public final class Heap {

    private Heap() {
    }

    /** Heap in use after full collections (three, a little apart, so that what is garbage has gone). */
    public static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
