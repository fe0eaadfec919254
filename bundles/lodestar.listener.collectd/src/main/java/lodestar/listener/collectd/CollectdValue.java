package lodestar.listener.collectd;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The identity of one collectd value as it arrived on the wire: where it comes from and which data source
 * of its type it is. Strings are never null; an absent part is the empty string.
 *
 * <p>Converters see only the identity, not the number: the listener asks a converter once per series and
 * data source and reuses the answer, so a converter's result must depend on these fields alone.
 */
@ProviderType
public interface CollectdValue {

    /** How collectd declares a data source in types.db (and sends it on the wire). */
    enum DsType {
        /** Unsigned, wrapping counter; sent big-endian, turned into a rate per second. */
        COUNTER,
        /** A level; sent as a little-endian double, passed through. */
        GAUGE,
        /** Signed counter; sent big-endian, turned into a rate per second. */
        DERIVE,
        /** Count since the last reading; sent big-endian, divided by the time since the last value. */
        ABSOLUTE
    }

    /** The sending host as collectd names it (its {@code Hostname}), dots and all. */
    String host();

    /** The collectd plugin: {@code cpu}, {@code memory}, {@code interface} ... */
    String plugin();

    /** The plugin instance ({@code 0} for cpu 0, {@code eth0} for an interface), or empty. */
    String pluginInstance();

    /** The types.db type: {@code cpu}, {@code memory}, {@code if_octets} ... */
    String type();

    /** The type instance ({@code user}, {@code used}), or empty. */
    String typeInstance();

    /** The data source name from types.db: {@code value}, {@code rx}, {@code shortterm} ... */
    String dsName();

    /** The data source's position in its type (0-based). */
    int dsIndex();

    /** How many data sources the type has (1 for most types, 2 for {@code if_octets}, 3 for {@code load}). */
    int dsCount();

    /** The data source's kind. */
    DsType dsType();
}
