package lodestar.shell.internal;

import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.SeriesStore;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.Tags;
import lodestar.api.TimeSeries;

/**
 * What the {@code lodestar:*} commands do, with no OSGi or Gogo in sight so it can be tested with fakes.
 * Every method returns the complete text to show; errors come back as one line starting with
 * {@code error: } instead of an exception, so the console shows no stack trace.
 */
final class ShellCommands {

    static final String NO_STORE = "no series store is running (the lodestar.store bundle provides it)";
    static final int DEFAULT_MINUTES = 10;

    private final Pipeline pipeline;
    private final Supplier<SeriesStore> store;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param store the current store, or null when none is running (read on every call: it may come and go)
     */
    ShellCommands(Pipeline pipeline, Supplier<SeriesStore> store, Clock clock, ZoneId zone) {
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * One line per component: type, name, state ({@code ok}, {@code failed/backoff}), counters ({@code k=v,k=v} or
     * {@code -}), last error.
     */
    String status() {
        List<ComponentStatus> all = pipeline.status();
        if (all.isEmpty()) {
            return "no beacons or sinks are running\n";
        }
        Table t = new Table("TYPE", "NAME", "STATE", "COUNTERS", "LAST ERROR");
        for (ComponentStatus c : all) {
            t.row(word(c.type()), word(c.name()), state(c), counters(c.counters()),
                    c.lastError() == null ? "" : c.lastError().replaceAll("\\s*[\\r\\n]+\\s*", " ").trim());
        }
        return t.render();
    }

    /** Series matching the glob (null or empty: all) with their last value and its age. */
    String series(String glob) {
        SeriesStore s = store.get();
        if (s == null) {
            return NO_STORE + "\n";
        }
        String g = glob == null || glob.isBlank() ? null : glob.trim();
        List<SeriesInfo> found = s.find(g);
        if (found.isEmpty()) {
            return g == null ? "no series stored yet\n" : "no series match '" + g + "'\n";
        }
        long now = clock.millis();
        Table t = new Table("SERIES", "VALUE>", "AGE>", "KIND");
        for (SeriesInfo i : found) {
            t.row(i.key(), Text.value(i.lastValue()), Text.age(now - i.lastTimestamp()), kind(i.kind()));
        }
        return t.render();
    }

    /** The points of one series over the last {@code minutes} (null: {@value #DEFAULT_MINUTES}), stored resolution. */
    String query(String seriesKey, String minutes) {
        if (seriesKey == null || seriesKey.isBlank()) {
            return "error: seriesKey: required (see lodestar:series)\n";
        }
        long m = DEFAULT_MINUTES;
        if (minutes != null) {
            try {
                m = Long.parseLong(minutes.trim());
            } catch (NumberFormatException e) {
                m = -1;
            }
            if (m <= 0 || m > 10L * 365 * 24 * 60) {
                return "error: minutes: expected a whole number of minutes above 0, got '" + minutes + "'\n";
            }
        }
        SeriesStore s = store.get();
        if (s == null) {
            return NO_STORE + "\n";
        }
        long to = clock.millis();
        TimeSeries ts = s.query(seriesKey, to - m * 60_000L, to, 0);
        if (ts == null || ts.size() == 0) {
            return "no points for '" + seriesKey + "' in the last " + m + " minutes\n";
        }
        boolean millis = false;
        for (long stamp : ts.timestamps()) {
            millis |= stamp % 1000 != 0;
        }
        Table t = new Table("TIME", "VALUE>");
        for (int i = 0; i < ts.size(); i++) {
            t.row(Text.localTime(ts.timestamps()[i], zone, millis), Text.value(ts.values()[i]));
        }
        return t.render();
    }

    /** Emits a gauge now: {@code name value [tag=value ...]}. */
    String emit(String name, String value, String... tags) {
        if (name == null || name.isBlank()) {
            return "error: name: required\n";
        }
        if (!name.equals(name.trim()) || name.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == ';' || ch == '=')) {
            return "error: name: must not contain blanks, ';' or '=', got '" + name + "'\n";
        }
        double v;
        try {
            v = Double.parseDouble(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            return "error: value: expected a number such as 42 or 0.5, got '" + value + "'\n";
        }
        Tags t = Tags.EMPTY;
        for (String tag : tags == null ? new String[0] : tags) {
            int eq = tag == null ? -1 : tag.indexOf('=');
            if (eq <= 0 || eq == tag.length() - 1 || tag.indexOf(';') >= 0) {
                return "error: tag: expected key=value (both non-empty, no ';'), got '" + tag + "'\n";
            }
            t = t.with(tag.substring(0, eq), tag.substring(eq + 1));
        }
        Sample sample = new Sample(name, t, v, clock.millis(), Kind.GAUGE);
        try {
            pipeline.emit(sample);
        } catch (RuntimeException e) {
            return "error: the pipeline refused the sample: " + Text.oneLine(e) + "\n";
        }
        return "emitted " + sample.seriesKey() + " " + Text.value(v) + "\n";
    }

    /** Runs a beacon now and lists what it produced, one {@code name;tags value} line per sample. */
    String collect(String beacon) {
        if (beacon == null || beacon.isBlank()) {
            return "error: beacon: required; beacons: " + beacons() + "\n";
        }
        Optional<List<Sample>> produced;
        try {
            produced = pipeline.collectNow(beacon);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error: interrupted while beacon '" + beacon + "' was collecting\n";
        } catch (Exception e) {
            return "error: beacon '" + beacon + "' failed: " + Text.oneLine(e) + "\n";
        }
        if (produced.isEmpty()) {
            return "no beacon named " + beacon + "; beacons: " + beacons() + "\n";
        }
        List<Sample> samples = produced.get();
        if (samples.isEmpty()) {
            return "beacon " + beacon + " produced no samples\n";
        }
        StringBuilder b = new StringBuilder();
        for (Sample s : samples) {
            b.append(s.seriesKey()).append(' ').append(Text.value(s.value())).append('\n');
        }
        return b.toString();
    }

    /** Names of the running beacons, sorted, comma separated, or {@code (none)}. */
    private String beacons() {
        StringJoiner j = new StringJoiner(", ");
        j.setEmptyValue("(none)");
        pipeline.status().stream()
                .filter(c -> "beacon".equals(c.type()))
                .map(ComponentStatus::name)
                .sorted()
                .forEach(j::add);
        return j.toString();
    }

    private static String counters(Map<String, Long> counters) {
        if (counters.isEmpty()) {
            return "-";
        }
        StringJoiner j = new StringJoiner(",");
        counters.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    private static String kind(Kind k) {
        return k == null ? "-" : k.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A cell that must stay one word so the columns can be split on blanks. */
    /** {@code ok}, or {@code failed/backoff} when the component's detail says more than its state. */
    private static String state(ComponentStatus c) {
        String detail = word(c.detail());
        return detail.equals(c.state().word()) ? detail : c.state().word() + "/" + detail;
    }

    private static String word(String s) {
        return s == null || s.isBlank() ? "-" : s.trim().replaceAll("\\s+", "_");
    }
}
