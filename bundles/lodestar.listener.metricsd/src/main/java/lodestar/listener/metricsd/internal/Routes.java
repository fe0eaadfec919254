package lodestar.listener.metricsd.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import lodestar.support.config.Units;

/**
 * Bucky's MetricsD handlers: {@code (regex, interval, priority)} rules choosing each metric's flush
 * interval. A name goes to the highest-priority rule whose regex matches at its start (Python's
 * {@code re.match}); equal priorities keep configuration order; no match: the default interval.
 * Configuration entries read {@code regex=interval[:priority]} (priority default 100, as Bucky).
 */
final class Routes {

    record Route(Pattern pattern, long intervalMillis, int priority) {
    }

    private final List<Route> routes;
    private final long defaultMillis;

    Routes(List<Route> routes, long defaultMillis) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt(Route::priority).reversed()); // stable: ties keep their order
        this.routes = List.copyOf(sorted);
        this.defaultMillis = defaultMillis;
    }

    /**
     * @throws IllegalArgumentException starting with {@code handlers:} on a malformed entry
     */
    static Routes parse(String[] entries, long defaultMillis) {
        List<Route> r = new ArrayList<>();
        for (String entry : entries == null ? new String[0] : entries) {
            // a plain .cfg file gives one string: entries separated by ';' (not a character of metric names)
            for (String e : entry == null ? new String[0] : entry.split(";")) {
                if (!e.isBlank()) {
                    r.add(parseRoute(e.trim()));
                }
            }
        }
        return new Routes(r, defaultMillis);
    }

    private static Route parseRoute(String e) {
        int eq = e.lastIndexOf('=');
        if (eq <= 0 || eq == e.length() - 1) {
            throw new IllegalArgumentException("handlers: expected regex=interval[:priority], got '" + e + "'");
        }
        String spec = e.substring(eq + 1).trim();
        int colon = spec.indexOf(':');
        String interval = colon < 0 ? spec : spec.substring(0, colon).trim();
        int priority = 100;
        if (colon >= 0) {
            try {
                priority = Integer.parseInt(spec.substring(colon + 1).trim());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("handlers: bad priority in '" + e + "', expected an integer");
            }
        }
        long millis = Units.positiveDurationMillis("handlers", interval);
        try {
            return new Route(Pattern.compile(e.substring(0, eq).trim()), millis, priority);
        } catch (PatternSyntaxException x) {
            throw new IllegalArgumentException("handlers: bad regex in '" + e + "': " + x.getDescription());
        }
    }

    /** The index of the rule for {@code name}, or {@link #size()} - 1 for the default. */
    int route(String name) {
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).pattern().matcher(name).lookingAt()) {
                return i;
            }
        }
        return routes.size();
    }

    /** Rules plus the default. */
    int size() {
        return routes.size() + 1;
    }

    long intervalMillis(int index) {
        return index < routes.size() ? routes.get(index).intervalMillis() : defaultMillis;
    }
}
