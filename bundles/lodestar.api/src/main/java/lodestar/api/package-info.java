/**
 * The Lodestar contract: value types, service interfaces and the names of the properties they agree on.
 * Nothing else lives here, so that the package changes only when the contract does (helpers are in
 * {@code lodestar.support}, embedded privately by the bundles that use them).
 *
 * <p>Plugins implement the {@link org.osgi.annotation.versioning.ConsumerType consumer types}
 * ({@link lodestar.api.Beacon}, {@link lodestar.api.Processor}, {@link lodestar.api.Sink},
 * {@link lodestar.api.Check}, {@link lodestar.api.Monitored}); the core and the store implement the
 * {@link org.osgi.annotation.versioning.ProviderType provider types} ({@link lodestar.api.Pipeline},
 * {@link lodestar.api.Emitter}, {@link lodestar.api.SeriesStore}).
 *
 * <p>2.0: {@link lodestar.api.ComponentStatus#state()} is a {@link lodestar.api.State} with a
 * {@link lodestar.api.ComponentStatus#detail() detail}; the runner-property names moved from {@code Sink} to
 * {@link lodestar.api.RunnerProperties}; {@link lodestar.api.Tags#LEVEL}. The helper package
 * {@code lodestar.api.util} left the contract (now {@code lodestar.support.*}, never exported).
 *
 * <p>2.1: {@link lodestar.api.Histogram} and {@link lodestar.api.Kind#HISTOGRAM} (distributions carried whole,
 * flattened by the core for sinks without {@link lodestar.api.Sink#NATIVE_HISTOGRAMS});
 * {@link lodestar.api.Pipeline#offerAll} with {@link lodestar.api.SamplesLostException} (admission with
 * back-pressure and a settlement signal); {@link lodestar.api.Sink#TAGGED}.
 */
@Export
@Version("2.1.0")
package lodestar.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
