package lodestar.runtime.internal.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

/** What the console guard reads from a request, without reading more of it than it must. */
final class ConsoleRequests {

    private ConsoleRequests() {
    }

    /** The console's configuration status: {@code /status-<printer>[.txt|.json|.zip|/<file>.zip]} and {@code /config}. */
    static boolean isStatusPrinter(String pathInConsole) {
        return pathInConsole.startsWith("/status-") || pathInConsole.equals("/config") || pathInConsole.startsWith("/config/")
                || pathInConsole.startsWith("/config.");
    }

    /** The user name of a basic {@code Authorization} header; {@code ?} for anything else. */
    static String user(String authorization) {
        String a = authorization.strip();
        if (a.length() < 6 || !a.substring(0, 6).equalsIgnoreCase("basic ")) {
            return "?";
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.ISO_8859_1);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    /** What {@link CsrfPolicy} looks at; a form's body is read only when it is URL-encoded (never a multipart body). */
    static CsrfPolicy.Request attempt(HttpServletRequest req) {
        String method = req.getMethod();
        boolean safe = !CsrfPolicy.changesState(method, false);
        boolean legacyPost = safe && "true".equalsIgnoreCase(queryParameter(req.getQueryString(), "post"));
        if (safe && !legacyPost) {
            return new CsrfPolicy.Request(method, false, null, null, null, null);
        }
        String token = req.getHeader(CsrfPolicy.HEADER);
        if (token == null) {
            token = queryParameter(req.getQueryString(), CsrfPolicy.PARAMETER);
        }
        String type = req.getContentType();
        if (token == null && !safe && type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            try {
                token = req.getParameter(CsrfPolicy.PARAMETER);
            } catch (RuntimeException unreadable) {
                token = null; // a form over the server's size limit: no token
            }
        }
        return new CsrfPolicy.Request(method, legacyPost, ownOrigin(req), req.getHeader("Origin"), req.getHeader("Referer"), token);
    }

    /** The origin the request was sent to: its scheme and the host (and port) it names. */
    static String ownOrigin(HttpServletRequest req) {
        String host = req.getHeader("Host");
        if (host == null || host.isBlank()) {
            host = req.getServerName() + ":" + req.getServerPort();
        }
        return req.getScheme() + "://" + host.strip();
    }

    /** A parameter of a query string, decoded; null when absent (the body is never read). */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException badEscape) {
                // not this parameter
            }
        }
        return null;
    }
}
