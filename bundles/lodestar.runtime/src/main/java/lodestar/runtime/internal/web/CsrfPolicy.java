package lodestar.runtime.internal.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a state-changing request that the console's own page sent from one a page elsewhere made the
 * administrator's browser send (cross-site request forgery). The browser attaches the console's credentials to
 * both, so the credentials prove nothing; two things do:
 * <ol>
 * <li>where the request comes from: a browser names the page's origin in {@code Origin} (or, failing that, the
 * page in {@code Referer}); when it names one, it must be the console's own (or one of {@code allowedOrigins}, for
 * a console behind a proxy with another public address). {@code Origin: null} (a page that hides its address) is
 * refused. A request that names neither is not from a browser's page, or from one that hides both;
 * <li>a token: a random value of this run that only the console's pages and authenticated answers carry, which a
 * page elsewhere cannot read (the browser keeps another origin's answers from it). Every state-changing request
 * must carry it, in the header {@value #HEADER} or the parameter {@value #PARAMETER}.
 * </ol>
 * Requests that change state are those with any method but {@code GET}, {@code HEAD}, {@code OPTIONS} and
 * {@code TRACE}, and GETs with {@code post=true}, which the console's configuration manager still takes as a POST
 * of older consoles.
 */
final class CsrfPolicy {

    static final String HEADER = "X-Lodestar-CSRF-Token";
    static final String PARAMETER = "lodestar-csrf-token";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /**
     * What the policy looks at in one request.
     *
     * @param method     the HTTP method
     * @param legacyPost whether a parameter {@code post} is {@code true}
     * @param ownOrigin  the origin the request was sent to (scheme, {@code Host} header)
     * @param origin     the {@code Origin} header, or null
     * @param referer    the {@code Referer} header, or null
     * @param token      the token from the header or the parameter, or null
     */
    record Request(String method, boolean legacyPost, String ownOrigin, String origin, String referer, String token) {
    }

    private final byte[] token;
    private final Set<String> allowedOrigins;

    /**
     * @param token          this run's token
     * @param allowedOrigins further origins the console is reached as (normalized with {@link #normalize})
     */
    CsrfPolicy(String token, Set<String> allowedOrigins) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    static boolean changesState(String method, boolean legacyPost) {
        return legacyPost || method == null || !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    /** Null when {@code r} may go on, else why it is refused (for the answer and the log). */
    String refusal(Request r) {
        if (!changesState(r.method(), r.legacyPost())) {
            return null;
        }
        if (r.origin() != null) {
            if (!allowed(r.origin(), r.ownOrigin())) {
                return "Origin " + Printable.of(r.origin()) + " is not this console's (" + r.ownOrigin() + ")";
            }
        } else if (r.referer() != null && !allowed(normalize(r.referer()), r.ownOrigin())) {
            return "Referer " + Printable.of(r.referer()) + " is not a page of this console (" + r.ownOrigin() + ")";
        }
        if (r.token() == null || r.token().isEmpty()) {
            return "no token (header " + HEADER + " or parameter " + PARAMETER + ")";
        }
        if (!MessageDigest.isEqual(token, r.token().getBytes(StandardCharsets.US_ASCII))) {
            return "wrong token";
        }
        return null;
    }

    private boolean allowed(String origin, String own) {
        String o = normalize(origin);
        return o != null && (o.equals(normalize(own)) || allowedOrigins.contains(o));
    }

    /**
     * {@code scheme://host[:port]} of a URL or origin, lower case and without the scheme's default port, or null
     * when it has no scheme and host ({@code null}, a path).
     */
    static String normalize(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = new URI(url.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
