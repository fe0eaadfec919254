package lodestar.beacon.command.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one command with a timeout: no shell, stdin closed, stdout and stderr drained on pump threads
 * (a full pipe would otherwise block the child and turn every chatty command into a timeout), keeping at
 * most {@link #MAX_CAPTURE} bytes of each. On expiry the whole process tree is killed.
 */
final class ProcessRunner {

    /** Bytes kept per stream; the rest is read and dropped so the child never blocks on a full pipe. */
    static final int MAX_CAPTURE = 64 * 1024;

    /** How long to wait for the pumps after the process ended (a background child may hold the pipe). */
    private static final long PUMP_GRACE_MILLIS = 500;

    /**
     * What happened.
     *
     * @param exit       the exit code; -1 when the process did not start or was killed on timeout
     * @param timedOut   killed because it outlived the timeout
     * @param startError why it did not start, or null
     */
    record Result(int exit, boolean timedOut, String stdout, String stderr, long durationMillis, String startError) {
    }

    private final ExecutorService pumps;
    private final AtomicReference<Process> running = new AtomicReference<>();

    /** @param pumps runs the stream pumps; a cached pool, since a pump may outlive its process */
    ProcessRunner(ExecutorService pumps) {
        this.pumps = pumps;
    }

    Result run(List<String> argv, long timeoutMillis) {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException | RuntimeException e) {
            return new Result(-1, false, "", "", millisSince(t0), e.getMessage() == null ? e.toString() : e.getMessage());
        }
        running.set(p);
        try {
            closeQuietly(p.getOutputStream());
            Pump out = new Pump(p.getInputStream());
            Pump err = new Pump(p.getErrorStream());
            pumps.execute(out);
            pumps.execute(err);
            boolean exited;
            try {
                exited = p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (!exited) {
                killTree(p);
            }
            long duration = millisSince(t0);
            out.await(PUMP_GRACE_MILLIS);
            err.await(PUMP_GRACE_MILLIS);
            return new Result(exited ? p.exitValue() : -1, !exited, out.text(), err.text(), duration, null);
        } finally {
            running.set(null);
        }
    }

    /** Kills the command running now, if any (deactivation). */
    void killRunning() {
        Process p = running.get();
        if (p != null) {
            killTree(p);
        }
    }

    /**
     * Kills a process and everything it started. The descendants are listed before the parent dies:
     * once it is gone they are re-parented and can no longer be found from it.
     */
    static void killTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to tell: the child just sees end of input
        }
    }

    /** Drains one stream, keeping the first {@link #MAX_CAPTURE} bytes. */
    private static final class Pump implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CountDownLatch done = new CountDownLatch(1);

        Pump(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        int room = MAX_CAPTURE - kept.size();
                        if (room > 0) {
                            kept.write(buf, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException ignored) {
                // the stream was closed under us (process killed): what was read so far is the output
            } finally {
                done.countDown();
            }
        }

        void await(long millis) {
            try {
                done.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
