package lodestar.support.http.server;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A data listener's own HTTP server: the JDK's {@link HttpServer} (not the platform's Jetty: a data input needs its
 * own port, its own threads and its own bounds) on a bounded pool of daemon threads, with the JDK server's request
 * time limits set. Started by {@link #start}, stopped by {@link #close()}.
 *
 * <p>The JDK server reads a request's line, headers and body on a pool thread, and without
 * {@code sun.net.httpserver.maxReqTime} waits forever for a client that sends them slowly: a few such clients would
 * hold every thread. So {@code maxReqTime} and {@code maxRspTime} are set to {@link #MAX_REQUEST_SECONDS} unless the
 * operator gave them ({@code -Dsun.net.httpserver.maxReqTime=...}). The JDK reads them once per JVM, when its first
 * server is made: every HTTP listener sets them the same way, so which one starts first does not matter. The request
 * time ends when the body has arrived: waiting for the sinks before answering is not part of it. Only the JDK's server
 * reads these properties; the platform's web pages are served by Jetty.
 */
public final class ListenerHttpServer implements AutoCloseable {

    /** Seconds a request may take to arrive, and an answer to leave, unless the JVM was told otherwise. */
    public static final String MAX_REQUEST_SECONDS = "60";
    /** Connections accepted by the kernel and not yet taken by the server (Prometheus opens one per shard). */
    static final int BACKLOG = 128;
    private static final long IDLE_THREAD_SECONDS = 60;

    private final HttpServer http;
    private final ThreadPoolExecutor threads;

    private ListenerHttpServer(HttpServer http, ThreadPoolExecutor threads) {
        this.http = http;
        this.threads = threads;
    }

    /**
     * Listens on {@code bind:port} and serves every path with {@code handler} on {@code threads} threads.
     *
     * @param threadName the threads' name, numbered ({@code lodestar-otlp-<name>}: {@code lodestar-otlp-<name>-1})
     * @throws IllegalArgumentException {@code port: cannot listen on <bind>:<port>: <why>}, for SCR to log
     */
    public static ListenerHttpServer start(String bind, int port, int threads, String threadName, HttpHandler handler) {
        limitRequestTime();
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(bind, port), BACKLOG);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("port: cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        // the queue holds accepted exchanges (a connection each, no body read yet) until a thread is free; a bounded
        // queue with a rejecting executor would make the JDK server drop connections without an answer
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        http.setExecutor(pool);
        http.createContext("/", handler);
        http.start();
        return new ListenerHttpServer(http, pool);
    }

    /**
     * Sets the JDK server's request and answer time limits unless the operator set them; a no-op once the JDK has
     * made its first server in this JVM.
     */
    static void limitRequestTime() {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", MAX_REQUEST_SECONDS);
        }
    }

    /** The bound port (the one chosen for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops listening at once and ends the threads (requests under way are cut). */
    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
