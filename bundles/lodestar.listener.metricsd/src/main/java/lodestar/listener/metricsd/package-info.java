/**
 * The MetricsD wire protocol (Bucky's binary UDP protocol) for applications that send to Lodestar's
 * MetricsD listener: {@link lodestar.listener.metricsd.MetricsdEncoder} builds datagrams; the enums name
 * the protocol's codes. Plain Java, usable with or without OSGi.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package lodestar.listener.metricsd;
