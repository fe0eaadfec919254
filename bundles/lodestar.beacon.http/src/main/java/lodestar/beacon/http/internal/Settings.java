package lodestar.beacon.http.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import lodestar.support.config.CheckNames;
import lodestar.support.config.InstanceNames;
import lodestar.support.config.Units;

/**
 * A check's configuration, validated: every bad value is an {@link IllegalArgumentException} whose
 * message starts with the property name, so SCR's log line tells the operator what to fix.
 */
record Settings(String name, URI url, String method, List<String[]> headers, long intervalMillis, long timeoutMillis,
        Thresholds thresholds, StatusRanges expectedStatus, Pattern bodyRegex, boolean followRedirects,
        int maxRedirects, boolean insecure) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    static Settings from(HttpCheck.Config c, Map<String, ?> props) {
        URI url = url(c.url());
        String method = c.method() == null ? "" : c.method().trim().toUpperCase(Locale.ROOT);
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("method: expected an HTTP method such as GET or HEAD, got '" + c.method() + "'");
        }
        long interval = Units.positiveDurationMillis("interval", c.interval());
        long timeout = Units.positiveDurationMillis("timeout", c.timeout());
        if (timeout > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout: at most 24d, got '" + c.timeout() + "'");
        }
        if (c.maxRedirects() < 0 || c.maxRedirects() > 50) {
            throw new IllegalArgumentException("maxRedirects: must be between 0 and 50, got " + c.maxRedirects());
        }
        return new Settings(name(c.name(), props, url), url, method, headers(c.headers()), interval, timeout,
                Thresholds.parse(c.thresholds()), StatusRanges.parse(c.expectedStatus()), bodyRegex(c.bodyRegex()),
                c.followRedirects(), c.maxRedirects(), c.insecure());
    }

    static URI url(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("url: required, e.g. https://example.com/health");
        }
        URI u;
        try {
            u = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url: malformed, " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url: must start with http:// or https://, got '" + text + "'");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("url: no host name in '" + text + "'");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url: user:password@ is not supported; send an Authorization header"
                    + " through 'headers' instead");
        }
        return u;
    }

    /** {@code Name: value} entries; CR and LF are refused so a header cannot smuggle another request. */
    static List<String[]> headers(String[] entries) {
        List<String[]> list = new ArrayList<>();
        for (String e : entries == null ? new String[0] : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            int colon = e.indexOf(':');
            String n = colon < 0 ? "" : e.substring(0, colon).trim();
            String v = colon < 0 ? "" : e.substring(colon + 1).trim();
            if (!TOKEN.matcher(n).matches() || e.indexOf('\r') >= 0 || e.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("headers: expected 'Name: value' entries, got '" + e + "'");
            }
            if (n.equalsIgnoreCase("connection") || n.equalsIgnoreCase("content-length")
                    || n.equalsIgnoreCase("transfer-encoding")) {
                throw new IllegalArgumentException("headers: " + n + " is set by the check itself");
            }
            list.add(new String[] {n, v});
        }
        return List.copyOf(list);
    }

    static Pattern bodyRegex(String regex) {
        if (regex == null || regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bodyRegex: invalid regular expression: "
                    + e.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " "));
        }
    }

    /**
     * The configured name; else the factory instance ({@code shop} for
     * {@code conf/lodestar.beacon.http-shop.cfg}); else the URL's host with dots as '_'.
     */
    static String name(String configured, Map<String, ?> props, URI url) {
        if (configured != null && !configured.isBlank()) {
            // any words people read (Pharos's "Is Google Up"); metric() makes them one metric path component
            return CheckNames.display("name", configured, false);
        }
        String instance = instance(props);
        return safe(instance != null ? instance : Probe.host(url));
    }

    /** The name as one component of {@code check.<name>.*}: {@code Is Google Up?} -> {@code Is_Google_Up}. */
    String metric() {
        return NAME.matcher(name).matches() ? name : CheckNames.metricName(name, false);
    }

    private static String instance(Map<String, ?> props) {
        return InstanceNames.suffix(props);
    }

    private static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_') ? ch : '_');
        }
        return b.toString();
    }
}
