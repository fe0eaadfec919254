package lodestar.support.filter;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * A sink's {@code levels} property (as Zibrato's): samples from instrumented code carry a
 * {@link Tags#LEVEL level} tag ({@code debug}, {@code info}, {@code warning}, {@code error}, {@code critical}, or
 * any word the application uses), and a sink configured with {@code levels=critical,error} gets only
 * those. A sample passes when it has no {@link Tags#LEVEL level} tag (host metrics, beacons: levels do not apply
 * to them) or when its level is listed; levels compare case-insensitively. No levels configured: every
 * sample passes. Immutable and thread-safe.
 */
public final class LevelFilter {

    /** Passes every sample. */
    public static final LevelFilter ALL = new LevelFilter(Set.of());

    private final Set<String> levels;

    private LevelFilter(Set<String> levels) {
        this.levels = levels;
    }

    /**
     * A filter passing the listed levels; each entry may hold several separated by commas (a
     * {@code .cfg} file gives one string); blanks are ignored. Null or nothing listed: {@link #ALL}.
     */
    public static LevelFilter of(String... levels) {
        Set<String> set = new TreeSet<>();
        if (levels != null) {
            for (String entry : levels) {
                for (String l : entry == null ? new String[0] : entry.split(",")) {
                    if (!l.isBlank()) {
                        set.add(l.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return set.isEmpty() ? ALL : new LevelFilter(Set.copyOf(set));
    }

    /** Whether the sample passes: it has no level tag, or its level is listed. */
    public boolean accepts(Sample sample) {
        if (levels.isEmpty()) {
            return true;
        }
        String level = sample.tags().get(Tags.LEVEL);
        return level == null || levels.contains(level.trim().toLowerCase(Locale.ROOT));
    }

    /** True when every sample passes, so callers can skip the check. */
    public boolean passesAll() {
        return levels.isEmpty();
    }

    /** The listed levels, lower case, sorted; empty for {@link #ALL}. */
    public Set<String> levels() {
        return new TreeSet<>(levels);
    }

    @Override
    public String toString() {
        return levels.isEmpty() ? "all levels" : "levels " + String.join(",", levels());
    }
}
