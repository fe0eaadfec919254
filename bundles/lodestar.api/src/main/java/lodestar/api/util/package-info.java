/**
 * Helpers every bundle needs to follow the platform's conventions the same way: duration and size
 * strings ({@code 10s}, {@code 64MB}) and rate-limited logging of bad input.
 * 1.1: {@link lodestar.api.util.LevelFilter} (a sink's {@code levels}) and {@link lodestar.api.util.Json}.
 * 1.2: what HTTP sinks share: {@link lodestar.api.util.HttpSinkClient} (the {@code url} property, POSTing
 * with timeouts, gzip and authentication), {@link lodestar.api.util.TagsProperty} ({@code key=value}
 * tag properties such as {@code defaultTags}), {@link lodestar.api.util.Hosts} (the short host name) and
 * {@link lodestar.api.util.SkippedSamples} (counting and logging samples a backend cannot take).
 * 1.3: {@link lodestar.api.util.InstanceNames} (a component's instance name from its factory configuration) and
 * {@link lodestar.api.util.UdpReceiveBuffer} (kernel drops and a capped receive buffer of a UDP listener).
 */
@Export
@Version("1.3.0")
package lodestar.api.util;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
