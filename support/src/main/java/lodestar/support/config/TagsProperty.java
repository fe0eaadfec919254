package lodestar.support.config;

import java.util.function.UnaryOperator;

import lodestar.api.Tags;

/**
 * Reads a configuration property of {@code key=value} tags, such as a sink's {@code defaultTags}: a
 * {@code String[]} whose entries may each hold several pairs separated by commas (a {@code .cfg} file
 * gives one string, the web console one entry per pair). Blank entries are ignored; keys and values are
 * trimmed and passed through the backend's {@code sanitize} (its character set). Errors name the
 * property, as activation errors should.
 *
 * <pre>
 * defaultTags = TagsProperty.parseOrHost("defaultTags", config.defaultTags(), OpenTsdbNames::sanitize);
 * </pre>
 */
public final class TagsProperty {

    private TagsProperty() {
    }

    /**
     * The tags the entries list (a repeated key keeps its last value); {@link Tags#EMPTY} for null or
     * nothing listed.
     *
     * @param property the configuration property, for the error message
     * @param sanitize applied to every key and value (a backend's character set), or null for none
     * @throws IllegalArgumentException naming the property when a pair has no {@code =}, no key or no value
     */
    public static Tags parse(String property, String[] entries, UnaryOperator<String> sanitize) {
        UnaryOperator<String> fix = sanitize == null ? UnaryOperator.identity() : sanitize;
        Tags t = Tags.EMPTY;
        if (entries == null) {
            return t;
        }
        for (String entry : entries) {
            for (String kv : entry == null ? new String[0] : entry.split(",")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String k = eq < 0 ? "" : kv.substring(0, eq).trim();
                String v = eq < 0 ? "" : kv.substring(eq + 1).trim();
                if (k.isEmpty() || v.isEmpty()) {
                    throw new IllegalArgumentException(property + ": expected key=value, got '" + kv.trim() + "'");
                }
                t = t.with(fix.apply(k), fix.apply(v));
            }
        }
        return t;
    }

    /**
     * Like {@link #parse}, but nothing listed gives {@code host=}<i>short host name</i> ({@link Hosts#shortName()},
     * sanitized): for backends that need at least one tag per series (OpenTSDB, KairosDB).
     */
    public static Tags parseOrHost(String property, String[] entries, UnaryOperator<String> sanitize) {
        Tags t = parse(property, entries, sanitize);
        if (!t.isEmpty()) {
            return t;
        }
        String host = Hosts.shortName();
        return Tags.of("host", sanitize == null ? host : sanitize.apply(host));
    }
}
