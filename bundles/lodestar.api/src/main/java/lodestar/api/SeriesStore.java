package lodestar.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Read access to stored series (the embedded store provides it), for the dashboard and the shell.
 * Series are identified by their {@link Sample#seriesKey() key}.
 */
@ProviderType
public interface SeriesStore {

    /**
     * Series whose name matches a glob ({@code *} within a dot-separated component, {@code **} across
     * components, {@code ?} one character), sorted by key. A null or empty glob matches all.
     */
    List<SeriesInfo> find(String glob);

    /**
     * Points of one series between {@code from} and {@code to} (epoch millis, inclusive), averaged
     * into buckets of {@code step} millis ({@code step <= 0}: the stored resolution).
     *
     * @return the series, empty when it is unknown or has no point in the range
     */
    TimeSeries query(String seriesKey, long from, long to, long step);

    /**
     * One series' description.
     *
     * @param key   the series key
     * @param name  the sample name
     * @param tags  the sample tags
     * @param kind  the kind of the latest sample
     * @param lastTimestamp time of the latest point, epoch millis
     * @param lastValue     the latest value
     */
    record SeriesInfo(String key, String name, Tags tags, Kind kind, long lastTimestamp, double lastValue) {
    }
}
