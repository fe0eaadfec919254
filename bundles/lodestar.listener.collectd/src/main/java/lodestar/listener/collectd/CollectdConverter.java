package lodestar.listener.collectd;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a collectd value into metric name components, like Bucky's converters: register an implementation
 * as an OSGi service (a DS {@code @Component(service = CollectdConverter.class)}) and the collectd listener
 * uses it for every value whose plugin equals {@link #plugin()}. The listener builds the metric name as
 * {@code <prefix>.<host>.<components joined by '.'>}, the host with its dots replaced by '_'.
 *
 * <p>When several converters claim the same plugin, the one with the highest {@code service.ranking} wins
 * (then the lowest service id); the listener's built-in converters rank below every service (they count as
 * ranking {@link Integer#MIN_VALUE}), so any registered converter replaces them. Plugin {@code "*"} replaces
 * the default converter used for plugins nobody claims.
 *
 * <p>{@link #convert} is called once per series and data source and the answer is cached until the set of
 * converters changes, so it must depend only on the value's identity. It is called from the listener's
 * worker thread and must be quick and must not block.
 */
@ConsumerType
public interface CollectdConverter {

    /** The plugin name this converter handles ({@code "cpu"}), or {@code "*"} for the default converter. */
    String plugin();

    /**
     * The name components for this value, without prefix and host ({@code ["memory", "used"]}). Empty or
     * null components are left out; a null or empty list drops the value (counted as {@code ignored}).
     */
    List<String> convert(CollectdValue value);
}
