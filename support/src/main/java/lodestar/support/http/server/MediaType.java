package lodestar.support.http.server;

import java.util.Locale;

/**
 * The parts of a request's {@code Content-Type} a listener decides on: the media type ({@code application/x-protobuf})
 * and a parameter ({@code proto=io.prometheus.write.v2.Request}). Lenient about case and white space, as senders
 * differ in both; never throws on a malformed header (it is input), it just does not match. Stateless.
 */
public final class MediaType {

    private MediaType() {
    }

    /** The media type, lower case, without parameters; "" when there is no header. */
    public static String of(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The value of the first parameter {@code name} (its name in any case), trimmed and otherwise as sent; null when
     * there is none.
     */
    public static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        String prefix = name.toLowerCase(Locale.ROOT) + "=";
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return p.substring(prefix.length()).trim();
            }
        }
        return null;
    }
}
