package lodestar.shell.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import lodestar.api.Check;
import lodestar.api.CheckResult;

/**
 * What {@code lodestar:checks} prints: one aligned line per check with its latest result. Apart from
 * {@link ShellCommands} because it reads a different set of services (every {@link Check}), and so it
 * can be tested with fakes.
 */
final class CheckCommands {

    private final Supplier<Map<Check, String>> checks;
    private final Clock clock;

    /**
     * @param checks the running checks, each with the name to show before its first result (read on every
     *               call: checks come and go)
     */
    CheckCommands(Supplier<Map<Check, String>> checks, Clock clock) {
        this.checks = checks;
        this.clock = clock;
    }

    /**
     * {@code CHECK STATUS FOR VALUE MESSAGE}, sorted by name: FOR is how long the check has been in its
     * status (up to now, so it keeps counting between runs), VALUE the measured value ({@code -} when
     * none), MESSAGE last because it is the only cell that may hold blanks. A check that has not run yet
     * shows as {@code PENDING}.
     */
    String checks() {
        Map<Check, String> all = checks.get();
        if (all.isEmpty()) {
            return "no checks are running\n";
        }
        long now = clock.millis();
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<Check, String> e : all.entrySet()) {
            CheckResult r;
            try {
                r = e.getKey().result();
            } catch (RuntimeException x) {
                rows.add(new String[] {word(e.getValue()), "UNKNOWN", "-", "-", "error: result() failed: " + Text.oneLine(x)});
                continue;
            }
            if (r == null) {
                rows.add(new String[] {word(e.getValue()), "PENDING", "-", "-", "not run yet"});
            } else {
                rows.add(new String[] {word(r.check()), r.status().name(), Text.age(now - r.since()),
                        Double.isNaN(r.value()) ? "-" : Text.value(r.value()), oneLine(r.message())});
            }
        }
        rows.sort(Comparator.comparing((String[] row) -> row[0]));
        Table t = new Table("CHECK", "STATUS", "FOR>", "VALUE>", "MESSAGE");
        for (String[] row : rows) {
            t.row(row);
        }
        return t.render();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static String word(String s) {
        return s == null || s.isBlank() ? "-" : s.trim().replaceAll("\\s+", "_");
    }
}
