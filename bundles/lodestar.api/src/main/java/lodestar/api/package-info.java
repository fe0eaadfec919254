/**
 * The Lodestar contract. Every other bundle depends on this package and nothing else of Lodestar.
 *
 * <p>Plugins implement the {@link org.osgi.annotation.versioning.ConsumerType consumer types}
 * ({@link lodestar.api.Beacon}, {@link lodestar.api.Processor}, {@link lodestar.api.Sink}); the core and
 * the store implement the {@link org.osgi.annotation.versioning.ProviderType provider types}
 * ({@link lodestar.api.Pipeline}, {@link lodestar.api.Emitter}, {@link lodestar.api.SeriesStore}).
 */
@Export
@Version("1.1.0")
package lodestar.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
