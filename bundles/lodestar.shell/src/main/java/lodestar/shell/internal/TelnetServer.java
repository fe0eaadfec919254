package lodestar.shell.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line-oriented telnet server: one thread per connection, at most {@code maxConnections} at a time
 * (more are told so and closed), each connection with its own {@link LineShell}. Prints a banner and
 * the prompt {@value #PROMPT}, runs each line, prints the formatted result, prints a failure as one line
 * {@code error: <message>}; {@code exit}, {@code quit}, Ctrl-D or end of input close the connection.
 * {@link #close()} closes the listening socket and every connection.
 */
final class TelnetServer implements AutoCloseable {

    static final String PROMPT = "g! ";

    private static final Logger LOG = LoggerFactory.getLogger(TelnetServer.class);

    private final InetSocketAddress bind;
    private final int maxConnections;
    private final LineShell.Factory shells;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile boolean closed;
    private ServerSocket server;
    private Thread acceptor;

    TelnetServer(InetAddress address, int port, int maxConnections, LineShell.Factory shells) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        this.bind = new InetSocketAddress(address, port);
        this.maxConnections = maxConnections;
        this.shells = shells;
        this.slots = new Semaphore(maxConnections);
    }

    /** Binds and starts accepting; throws when the address cannot be bound (port in use, no such address). */
    synchronized TelnetServer start() throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(bind, 16);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        server = s;
        acceptor = new Thread(this::acceptLoop, "lodestar-shell-remote " + address());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** The bound address, {@code ip:port} (the real port when 0 was asked for). */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("remote shell: accept failed, no longer listening on {}: {}", address(), e.toString());
                }
                return;
            }
            if (!slots.tryAcquire()) {
                refuse(socket);
                continue;
            }
            open.add(socket);
            if (closed) {
                // close() may have run between accept and add: do not leave this one behind
                open.remove(socket);
                closeQuietly(socket);
                slots.release();
                return;
            }
            Thread t = new Thread(() -> serve(socket),
                    "lodestar-shell-remote-" + counter.incrementAndGet() + " " + socket.getRemoteSocketAddress());
            t.setDaemon(true);
            t.start();
        }
    }

    private void refuse(Socket socket) {
        try (socket) {
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(("too many connections (at most " + maxConnections
                    + "); try again later\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the client left already
        }
        LOG.info("remote shell: refused {}, {} connections open", socket.getRemoteSocketAddress(), maxConnections);
    }

    private void serve(Socket socket) {
        Object who = socket.getRemoteSocketAddress();
        LOG.info("remote shell: connection from {}", who);
        LineShell shell = null;
        try {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            PrintStream out = new PrintStream(
                    new CrlfOutputStream(new BufferedOutputStream(socket.getOutputStream())), false, StandardCharsets.UTF_8);
            shell = shells.open(in, out);
            out.print("Lodestar remote shell (Apache Felix Gogo) on " + address() + "\n"
                    + "Every command has full control of the framework. 'exit' closes this connection.\n");
            TelnetLineReader lines = new TelnetLineReader(in);
            while (!closed) {
                out.print(PROMPT);
                out.flush();
                String line = lines.readLine();
                if (line == null) {
                    break;
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.equals("exit") || line.equals("quit")) {
                    out.print("bye\n");
                    out.flush();
                    break;
                }
                run(shell, line, out);
            }
        } catch (TelnetLineReader.LineTooLongException e) {
            writeQuietly(socket, "error: " + e.getMessage() + "; closing\r\n");
        } catch (SocketException e) {
            // the client went away or close() closed the socket: nothing to report
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("remote shell: connection from {} failed: {}", who, e.toString());
            }
        } finally {
            if (shell != null) {
                try {
                    shell.close();
                } catch (RuntimeException e) {
                    LOG.debug("remote shell: closing the session failed", e);
                }
            }
            closeQuietly(socket);
            if (open.remove(socket)) {
                slots.release();
            }
            LOG.info("remote shell: {} disconnected", who);
        }
    }

    private static void run(LineShell shell, String line, PrintStream out) {
        try {
            Object result = shell.execute(line);
            if (result != null) {
                CharSequence text = shell.format(result);
                if (text != null && text.length() > 0) {
                    out.print(text);
                    if (text.charAt(text.length() - 1) != '\n') {
                        out.print('\n');
                    }
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            out.print("error: " + Text.oneLine(e) + "\n");
        }
        out.flush();
    }

    private static void writeQuietly(Socket socket, String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Stops listening and closes every connection; commands still running finish on their own. */
    @Override
    public void close() {
        closed = true;
        Thread a;
        synchronized (this) {
            a = acceptor;
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        if (a != null && a != Thread.currentThread()) {
            try {
                a.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
