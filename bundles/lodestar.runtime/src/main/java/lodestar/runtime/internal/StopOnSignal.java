package lodestar.runtime.internal;

import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the OSGi framework when the JVM is asked to exit (SIGTERM, Ctrl-C, systemctl stop).
 *
 * <p>The bnd launcher of the exported jar registers no such hook: without this, SIGTERM ends the JVM with every
 * bundle still active, so no DS component is deactivated and sinks never flush. With it, the framework stops in
 * the usual order (bundles stopped, components deactivated) before the JVM halts, for up to {@link #timeoutMillis}.
 */
final class StopOnSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StopOnSignal.class);

    // loaded now: while the framework is going down, loading a class through this bundle may no longer work
    private static final Class<?>[] NEEDED_WHILE_STOPPING =
            {Framework.class, FrameworkEvent.class, BundleException.class, TimeUnit.class};

    private final Bundle systemBundle;
    private final long timeoutMillis;
    private final Thread hook;
    private volatile boolean signalled;

    StopOnSignal(Bundle systemBundle, long timeoutMillis) {
        this.systemBundle = systemBundle;
        this.timeoutMillis = timeoutMillis;
        this.hook = new Thread(this::stopFramework, "lodestar-shutdown");
    }

    void install() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Called when the framework stops for any other reason (gogo 'stop 0', an update): the hook must go. */
    void uninstall() {
        if (signalled) {
            return; // we are the reason the framework stops
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran), nothing to remove
        }
    }

    private void stopFramework() {
        signalled = true;
        long start = System.nanoTime();
        LOG.info("Shutdown requested: stopping the framework (up to {} s)", timeoutMillis / 1000);
        try {
            systemBundle.stop();
            if (systemBundle instanceof Framework) {
                FrameworkEvent event = ((Framework) systemBundle).waitForStop(timeoutMillis);
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    System.out.println(line("WARN", "framework did not stop within " + timeoutMillis + " ms; exiting anyway"));
                    return;
                }
            }
            // after the framework stopped, slf4j's bundles are gone too: stdout, in the log's format
            System.out.println(line("INFO", "framework stopped in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"));
        } catch (BundleException | RuntimeException e) {
            System.out.println(line("ERROR", "stopping the framework failed: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A line in the platform's log format (run/lodestar.bndrun: date, time, level, logger, message). */
    static String line(String level, String message) {
        return java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"))
                + " " + level + " StopOnSignal - " + message;
    }
}
