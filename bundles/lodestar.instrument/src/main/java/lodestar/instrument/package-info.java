/**
 * Instrumentation for Java applications: {@link lodestar.instrument.Instruments} hands out counters, timers and
 * gauges by (level, name[, source]) and sends what they record to Lodestar on a background thread, over ZeroMQ in
 * Zibrato's wire format or over StatsD UDP with DogStatsD tags.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package lodestar.instrument;
