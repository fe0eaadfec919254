package lodestar.beacon.script.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one script: argv is just its path (no shell, so nothing in the file name is interpreted), the
 * working directory its folder, stdin closed. stdout is read line by line, each line stamped with the
 * time it arrived; stderr lines go to a callback (the log). On timeout the script and everything it
 * started are killed.
 */
final class ScriptRunner {

    /** Longer lines are cut and reported as bad: a runaway script must not fill the heap. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    /** Lines kept per run; the rest are read and dropped (and counted as bad by the caller). */
    static final int MAX_LINES = 100_000;

    /** How long to wait for the output to end after the script was killed. */
    private static final long KILL_GRACE_MILLIS = 1_000;

    /** One line of stdout. */
    record Line(String text, long receivedAt, boolean tooLong) {
    }

    /**
     * What happened.
     *
     * @param exit       exit code; -1 when it did not start or was killed
     * @param timedOut   killed on timeout, or its output was still open at the deadline
     * @param startError why it did not start (not executable, bad interpreter line), or null
     * @param dropped    lines dropped beyond {@link #MAX_LINES}
     * @param outputHeld the script exited, but something it left behind kept stdout open past the deadline
     */
    record Run(List<Line> lines, int exit, boolean timedOut, String startError, int dropped, long durationMillis,
            boolean outputHeld) {
    }

    private final ExecutorService pumps;

    /** @param pumps runs the stream readers; a cached pool, since a reader may outlive its script */
    ScriptRunner(ExecutorService pumps) {
        this.pumps = pumps;
    }

    Run run(Path script, long timeoutMillis, Consumer<String> stderr) {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Process p;
        try {
            p = new ProcessBuilder(List.of(script.toString())).directory(script.getParent().toFile()).start();
        } catch (IOException | RuntimeException e) {
            return new Run(List.of(), -1, false, e.getMessage() == null ? e.toString() : e.getMessage(), 0, millisSince(t0),
                    false);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the script just sees end of input
        }
        LinePump out = new LinePump(p.getInputStream(), null);
        LinePump err = new LinePump(p.getErrorStream(), stderr);
        pumps.execute(out);
        pumps.execute(err);
        boolean exited = false;
        boolean held = false;
        boolean interrupted = false;
        try {
            exited = p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
            // exited, but a background child may still hold stdout: wait for the end of output up to the deadline
            if (exited && !out.await(Math.max(0, deadline - System.nanoTime()))) {
                exited = false;
                held = true;
            }
        } catch (InterruptedException e) {
            interrupted = true; // deactivation: kill and return what we have
        }
        boolean timedOut = !exited;
        if (timedOut) {
            kill(p);
            out.await(TimeUnit.MILLISECONDS.toNanos(KILL_GRACE_MILLIS));
        }
        err.await(TimeUnit.MILLISECONDS.toNanos(timedOut ? 100 : KILL_GRACE_MILLIS));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int exit = p.isAlive() ? -1 : p.exitValue();
        return new Run(out.lines(), timedOut ? -1 : exit, timedOut, null, out.dropped(), millisSince(t0), held);
    }

    /**
     * Kills a script and everything it started. The descendants are listed before the script dies: once
     * it is gone they are re-parented and cannot be found from it any more.
     */
    static void kill(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** Reads a stream into lines, cutting long ones; to a list (stdout) or a callback (stderr). */
    private static final class LinePump implements Runnable {
        private final InputStream in;
        private final Consumer<String> each;
        private final List<Line> lines = new ArrayList<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private int dropped;

        LinePump(InputStream in, Consumer<String> each) {
            this.in = in;
            this.each = each;
        }

        @Override
        public void run() {
            StringBuilder b = new StringBuilder();
            boolean tooLong = false;
            char[] buf = new char[8192];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while ((n = r.read(buf)) >= 0) {
                    for (int k = 0; k < n; k++) {
                        char c = buf[k];
                        if (c == '\n') {
                            line(b, tooLong);
                            b.setLength(0);
                            tooLong = false;
                        } else if (b.length() < MAX_LINE_CHARS) {
                            b.append(c);
                        } else {
                            tooLong = true;
                        }
                    }
                }
            } catch (IOException ignored) {
                // the pipe was closed under us (script killed): the lines so far are the output
            } finally {
                if (b.length() > 0 || tooLong) {
                    line(b, tooLong); // a last line without a newline still counts
                }
                done.countDown();
            }
        }

        private void line(StringBuilder b, boolean tooLong) {
            int len = b.length();
            String text = len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            if (each != null) {
                each.accept(text);
                return;
            }
            synchronized (this) {
                if (lines.size() < MAX_LINES) {
                    lines.add(new Line(tooLong ? text.substring(0, Math.min(80, text.length())) + "..." : text,
                            System.currentTimeMillis(), tooLong));
                } else {
                    dropped++;
                }
            }
        }

        boolean await(long nanos) {
            try {
                return done.await(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        synchronized List<Line> lines() {
            return List.copyOf(lines);
        }

        synchronized int dropped() {
            return dropped;
        }
    }
}
