/**
 * Helpers every bundle needs to follow the platform's conventions the same way: duration and size
 * strings ({@code 10s}, {@code 64MB}) and rate-limited logging of bad input.
 * 1.1: {@link lodestar.api.util.LevelFilter} (a sink's {@code levels}) and {@link lodestar.api.util.Json}.
 */
@Export
@Version("1.1.0")
package lodestar.api.util;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
