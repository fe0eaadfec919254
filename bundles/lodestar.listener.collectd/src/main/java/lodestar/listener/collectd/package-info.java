/**
 * The extension point of the collectd listener: {@link lodestar.listener.collectd.CollectdConverter}
 * services turn one collectd value (host, plugin, plugin instance, type, type instance, data source) into
 * the components of a metric name, as Bucky's converters do. A converter is registered as an OSGi service
 * by any bundle; the listener picks it up and drops it as bundles come and go.
 */
@Export
@Version("1.0.0")
package lodestar.listener.collectd;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
