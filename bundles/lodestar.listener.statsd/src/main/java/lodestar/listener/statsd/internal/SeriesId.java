package lodestar.listener.statsd.internal;

import java.nio.charset.StandardCharsets;

import lodestar.api.Tags;

/**
 * The name and tags of one aggregation key, derived once when the key is first seen. Etsy's key is
 * {@code name[;tag=value...]} after sanitizing; the part before the first ';' is the name, the rest become
 * tags (as Etsy's Graphite backend renders them). The flusher caches the output names here.
 */
final class SeriesId {

    final String name;
    final Tags tags;
    /** Output names, built by the flusher thread only. */
    String[] names;
    int namesGeneration = -1;

    SeriesId(String name, Tags tags) {
        this.name = name;
        this.tags = tags;
    }

    static SeriesId of(byte[] key, int len) {
        String k = new String(key, 0, len, StandardCharsets.US_ASCII);
        int semi = k.indexOf(';');
        if (semi < 0) {
            return new SeriesId(k, Tags.EMPTY);
        }
        Tags tags = Tags.EMPTY;
        int at = semi;
        while (at >= 0) {
            int next = k.indexOf(';', at + 1);
            String part = k.substring(at + 1, next < 0 ? k.length() : next);
            if (!part.isEmpty()) {
                int eq = part.indexOf('=');
                String tk = eq < 0 ? part : part.substring(0, eq);
                String tv = eq < 0 ? "" : part.substring(eq + 1);
                if (!tk.isEmpty()) {
                    tags = tags.with(tk, tv);
                }
            }
            at = next;
        }
        return new SeriesId(k.substring(0, semi), tags);
    }
}
