package lodestar.beacon.script.internal;

import lodestar.api.Tags;

/**
 * One value read from a line of script output, before the prefix and rate computation.
 *
 * @param name      the metric name as the script wrote it
 * @param tags      tags from the line (Graphite {@code ;k=v}, InfluxDB tag set, PuyPuy's check_type)
 * @param value     the value
 * @param timestamp epoch millis from the line, or {@link #NOW} when the line had none
 * @param rate      PuyPuy's {@code rate} style: turn successive values into a per-second rate
 */
record Metric(String name, Tags tags, double value, long timestamp, boolean rate) {

    /** The line carried no timestamp: stamp it with the time it was read. */
    static final long NOW = Long.MIN_VALUE;
}
