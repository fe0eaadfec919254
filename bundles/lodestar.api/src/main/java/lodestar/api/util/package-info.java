/**
 * Helpers every bundle needs to follow the platform's conventions the same way: duration and size
 * strings ({@code 10s}, {@code 64MB}) and rate-limited logging of bad input.
 */
@Export
@Version("1.0.0")
package lodestar.api.util;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
