package lodestar.core.internal;

import java.nio.file.Path;

import lodestar.api.Tags;
import lodestar.support.config.Hosts;
import lodestar.support.config.Units;
import lodestar.support.filter.LevelFilter;
import lodestar.support.filter.NameFilter;
import lodestar.support.filter.TagFilter;

/**
 * The {@code lodestar.core} configuration, parsed and validated: global tags, the default beacon interval,
 * the runner defaults every sink starts from, and the core's own limits (on threads, shutdown, sample size).
 */
record CoreSettings(GlobalTags globalTags, long defaultIntervalMillis, RunnerSettings runnerDefaults,
        long shutdownTimeoutMillis, long selfIntervalMillis, int beaconThreads, Path spoolDirectory, SampleLimits limits,
        boolean processorDropOnError, Tags hostTag) {

    /**
     * @param home the platform home, for the default spool directory
     * @throws IllegalArgumentException naming the first invalid property
     */
    static CoreSettings of(PipelineComponent.Config c, String home) {
        if (c.beaconThreads() < 1) {
            throw new IllegalArgumentException("beaconThreads: must be at least 1, got " + c.beaconThreads());
        }
        RunnerSettings defaults = new RunnerSettings(c.batchSize(),
                Units.positiveDurationMillis("flushInterval", c.flushInterval()),
                Units.bytes("bufferMemory", c.bufferMemory()), Units.bytes("bufferDisk", c.bufferDisk()),
                Units.positiveDurationMillis("retryInitial", c.retryInitial()),
                Units.positiveDurationMillis("retryMax", c.retryMax()), c.retryFactor(), NameFilter.ALL,
                LevelFilter.ALL, TagFilter.NONE, TagFilter.NONE);
        return new CoreSettings(
                GlobalTags.of(c.globalTags(), c.cluster__name(), c.host__group()),
                Units.positiveDurationMillis("interval", c.interval()),
                defaults,
                Units.durationMillis("shutdownTimeout", c.shutdownTimeout()),
                Units.durationMillis("selfInterval", c.selfInterval()),
                c.beaconThreads(),
                c.spoolDirectory().isBlank() ? Path.of(home, "data", "spool") : Path.of(c.spoolDirectory().trim()),
                new SampleLimits(c.maxNameLength(), c.maxTags()),
                c.processorDropOnError(),
                hostTag(c.hostTag(), c.host()));
    }

    /** {@code host=<name>} for the tag-based sinks, or null when {@code hostTag=false}. */
    static Tags hostTag(boolean on, String host) {
        if (!on) {
            return null;
        }
        String h = host == null ? "" : host.trim();
        if (h.isEmpty()) {
            h = Hosts.shortName(); // the same name the sinks use for their own default host tag
        }
        if (h.length() > 255 || h.chars().anyMatch(ch -> ch <= ' ' || ch == ',' || ch == '=')) {
            throw new IllegalArgumentException("host: a host name without blanks, ',' or '=', got '" + h + "'");
        }
        return Tags.of("host", h);
    }
}
