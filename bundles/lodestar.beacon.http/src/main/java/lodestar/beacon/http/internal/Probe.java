package lodestar.beacon.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 request (and the redirects it leads to) over plain sockets, timing each phase: DNS
 * lookup, TCP connect, TLS handshake, time to first byte, total. The JDK's HttpClient hides these
 * phases, hence the raw socket. Every failure (unknown host, refused, timed out, TLS, bad response, too
 * many redirects) comes back as an {@link Outcome} with an error message, never as an exception. One
 * timeout covers the whole probe, redirects included.
 */
final class Probe {

    /** How a probe is made; immutable, shared by the runs of one check. */
    record Spec(String method, List<String[]> headers, long timeoutMillis, boolean followRedirects, int maxRedirects,
            int maxBody, Tls tls, Executor resolver) {
    }

    private static final String USER_AGENT = "Lodestar-http-check/1.0";

    private final Spec spec;

    Probe(Spec spec) {
        this.spec = spec;
    }

    Outcome run(URI url) {
        Timings t = new Timings();
        long deadline = t.now() + spec.timeoutMillis() * 1_000_000L;
        URI current = url;
        String method = spec.method();
        int redirects = 0;
        Response last = null;
        try {
            while (true) {
                last = hop(current, method, t, deadline);
                String location = last.headers.get("location");
                if (!spec.followRedirects() || !isRedirect(last.status) || location == null || location.isBlank()) {
                    return t.outcome(last.status, last.reason, last.size, last.body, null, redirects);
                }
                URI next;
                try {
                    next = current.resolve(location.trim());
                } catch (IllegalArgumentException e) {
                    return t.outcome(last.status, last.reason, last.size, last.body,
                            "redirect to an invalid Location '" + location + "'", redirects);
                }
                String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    return t.outcome(last.status, last.reason, last.size, last.body,
                            "redirect to a non-HTTP Location '" + location + "'", redirects);
                }
                if (++redirects > spec.maxRedirects()) {
                    return t.outcome(last.status, last.reason, last.size, last.body, "more than " + spec.maxRedirects()
                            + " redirects (last Location: " + next + ")", redirects - 1);
                }
                if (last.status == 303 && !"HEAD".equals(method)) {
                    method = "GET"; // See Other: fetch the result with GET, whatever the first request was
                }
                current = next;
            }
        } catch (Exception e) {
            String where = redirects > 0 ? " (after " + redirects + " redirects, at " + current + ")" : "";
            return t.outcome(-1, "", -1, "", describe(e, current, spec.timeoutMillis()) + where, redirects);
        }
    }

    private Response hop(URI url, String method, Timings t, long deadline) throws Exception {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        String host = host(url);
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;

        long start = t.now();
        InetAddress[] addresses = resolve(host, deadline);
        t.dns(start);

        start = t.now();
        Socket socket = connect(addresses, port, deadline);
        t.connect(start);
        try {
            if (https) {
                start = t.now();
                socket.setSoTimeout(millisLeft(deadline));
                socket = spec.tls().handshake(socket, host, port);
                t.tls(start);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request(url, method, host, port, https).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long sent = t.now();
            DeadlineInputStream in = new DeadlineInputStream(socket, deadline);
            try {
                return Response.read(in, method, spec.maxBody());
            } finally {
                if (in.firstByteNanos() != 0) {
                    t.ttfb(sent, in.firstByteNanos());
                }
            }
        } finally {
            closeQuietly(socket);
        }
    }

    /** Looks the name up on another thread, so that a hanging resolver cannot outlive the timeout. */
    private InetAddress[] resolve(String host, long deadline) throws Exception {
        CompletableFuture<InetAddress[]> f = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, spec.resolver());
        try {
            return f.get(millisLeft(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } catch (TimeoutException e) {
            throw new DnsTimeout(host);
        }
    }

    /** Tries each address in turn (IPv6 and IPv4 alike), like a browser without happy eyeballs. */
    private static Socket connect(InetAddress[] addresses, int port, long deadline) throws IOException {
        IOException first = null;
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), millisLeft(deadline));
                return s;
            } catch (IOException e) {
                closeQuietly(s);
                if (first == null) {
                    first = e;
                }
                if (e instanceof SocketTimeoutException) {
                    break; // no time left for the next address
                }
            }
        }
        throw first != null ? first : new ConnectException("no address");
    }

    private String request(URI url, String method, String host, int port, boolean https) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        StringBuilder b = new StringBuilder(256);
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hostSet = false;
        boolean agentSet = false;
        for (String[] h : spec.headers()) {
            hostSet |= h[0].equalsIgnoreCase("host");
            agentSet |= h[0].equalsIgnoreCase("user-agent");
        }
        if (!hostSet) {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            b.append("Host: ").append(h);
            if (port != (https ? 443 : 80)) {
                b.append(':').append(port);
            }
            b.append("\r\n");
        }
        if (!agentSet) {
            b.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        for (String[] h : spec.headers()) {
            b.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        // one request per connection: the body ends at the close when the server sends no length
        b.append("Accept: */*\r\nConnection: close\r\n\r\n");
        return b.toString();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The host without IPv6 brackets. */
    static String host(URI url) {
        String h = url.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** A message an operator understands, naming the phase that failed. */
    private static String describe(Exception e, URI url, long timeoutMillis) {
        String target = host(url) + ":" + (url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
        if (e instanceof DnsTimeout) {
            return "DNS lookup of " + host(url) + " timed out (timeout " + timeoutMillis + "ms)";
        }
        if (e instanceof UnknownHostException) {
            return "DNS lookup of " + host(url) + " failed: unknown host";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out after " + timeoutMillis + "ms waiting for " + target;
        }
        if (e instanceof ConnectException) {
            String m = rootMessage(e);
            return m.toLowerCase(Locale.ROOT).contains("refused") ? "connection to " + target + " refused"
                    : "cannot connect to " + target + ": " + m;
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to " + target;
        }
        if (e instanceof SSLException) {
            String m = rootMessage(e);
            String hint = m.contains("PKIX") || m.contains("certification path") || m.contains("No subject alternative")
                    || m.contains("No name matching") ? " (certificate not trusted for this name; insecure=true accepts it)" : "";
            return "TLS handshake with " + target + " failed: " + m + hint;
        }
        if (e instanceof Response.ProtocolException) {
            return "bad HTTP response from " + target + ": " + e.getMessage();
        }
        return "request to " + target + " failed: " + rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do: we are done with it
        }
    }

    /** The resolver did not answer in time. */
    private static final class DnsTimeout extends IOException {
        DnsTimeout(String host) {
            super("DNS lookup of " + host + " timed out");
        }
    }
}
