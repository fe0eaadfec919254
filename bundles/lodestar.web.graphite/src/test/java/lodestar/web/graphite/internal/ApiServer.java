package lodestar.web.graphite.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The API's servlet served by Jetty 11 (the one in Felix http.jetty, which the platform runs) on a free
 * loopback port, at the same patterns the whiteboard registration names, so tests speak HTTP to it.
 */
public final class ApiServer implements AutoCloseable {

    private final Server server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    public final int port;

    public ApiServer(GraphiteApi api) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        c.setPort(0);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder holder = new ServletHolder(api);
        for (String pattern : new String[] {"/render", "/render/*", "/metrics/find", "/metrics/find/*"}) {
            ctx.addServlet(holder, pattern);
        }
        server.setHandler(ctx);
        server.start();
        port = c.getLocalPort();
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
