package lodestar.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelnetServerTest {

    private static final String BANNER_END = "'exit' closes this connection.\r\n";

    private final List<String> executed = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private TelnetServer server;

    /** A stand-in for a Gogo session: runs a handful of pretend commands. */
    private LineShell fakeShell(InputStream in, PrintStream out) {
        opened.incrementAndGet();
        return new LineShell() {
            @Override
            public Object execute(String line) {
                executed.add(line);
                return switch (line) {
                    case "fail" -> throw new IllegalArgumentException("Command not found: *:fail\n  at somewhere");
                    case "print" -> {
                        out.print("line one\nline two\n");
                        yield null;
                    }
                    case "nothing" -> null;
                    default -> List.of("ran", line);
                };
            }

            @Override
            @SuppressWarnings("unchecked")
            public CharSequence format(Object result) {
                return String.join(" ", (List<String>) result);
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
    }

    private TelnetServer start(int maxConnections) throws IOException {
        server = new TelnetServer(InetAddress.getLoopbackAddress(), 0, maxConnections, this::fakeShell).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A raw TCP client that reads until it sees what it expects. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** Everything up to and including {@code end}. */
        String readUntil(String end) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.UTF_8).endsWith(end)) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed after: " + got.toString(StandardCharsets.UTF_8));
                }
                got.write(c);
            }
            return got.toString(StandardCharsets.UTF_8);
        }

        /** Everything until the server closes the connection. */
        String readToEnd() throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void send(int... bytes) throws IOException {
            for (int b : bytes) {
                out.write(b);
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void bannerPromptResultsErrorsAndExit() throws Exception {
        start(2);
        try (Client c = new Client(server.port())) {
            String banner = c.readUntil("g! ");
            assertEquals("Lodestar remote shell (Apache Felix Gogo) on 127.0.0.1:" + server.port() + "\r\n"
                    + "Every command has full control of the framework. " + BANNER_END + "g! ", banner);

            c.send("lb\r\n");
            assertEquals("ran lb\r\ng! ", c.readUntil("g! "));

            c.send("fail\n");
            assertEquals("error: Command not found: *:fail at somewhere\r\ng! ", c.readUntil("g! "));

            c.send("print\r\n");
            assertEquals("line one\r\nline two\r\ng! ", c.readUntil("g! "));

            c.send("nothing\r\n\r\n   \r\n");
            assertEquals("g! g! g! ", c.readUntil("g! g! g! "));

            c.send("exit\r\n");
            assertEquals("bye\r\n", c.readToEnd());
        }
        assertEquals(List.of("lb", "fail", "print", "nothing"), executed);
        waitFor(() -> closed.get() == 1 && server.connections() == 0);
    }

    @Test
    void telnetNegotiationIsStrippedFromCommands() throws Exception {
        start(2);
        try (Client c = new Client(server.port())) {
            c.readUntil("g! ");
            // what a telnet client may send: IAC WILL NAWS, IAC SB NAWS 0 80 0 24 IAC SE
            c.send(0xFF, 0xFB, 0x1F, 0xFF, 0xFA, 0x1F, 0, 80, 0, 24, 0xFF, 0xF0);
            c.send("status  \r\n");
            assertEquals("ran status\r\ng! ", c.readUntil("g! "));
            c.send("quit\r\n");
            assertEquals("bye\r\n", c.readToEnd());
        }
        assertEquals(List.of("status"), executed);
    }

    @Test
    void endOfInputClosesTheConnectionAndTheSession() throws Exception {
        start(2);
        try (Client c = new Client(server.port())) {
            c.readUntil("g! ");
            c.send("last");
            c.socket.shutdownOutput();
            assertEquals("ran last\r\ng! ", c.readToEnd());
        }
        waitFor(() -> closed.get() == 1 && server.connections() == 0);
    }

    @Test
    void connectionsBeyondTheLimitAreTurnedAway() throws Exception {
        start(1);
        try (Client first = new Client(server.port())) {
            first.readUntil("g! ");
            try (Client second = new Client(server.port())) {
                assertEquals("too many connections (at most 1); try again later\r\n", second.readToEnd());
            }
            first.send("exit\n");
            first.readToEnd();
        }
        waitFor(() -> server.connections() == 0);
        try (Client third = new Client(server.port())) {
            assertTrue(third.readUntil("g! ").endsWith(BANNER_END + "g! "));
        }
        assertEquals(2, opened.get());
    }

    @Test
    void closeStopsListeningAndDropsEveryConnection() throws Exception {
        start(2);
        int port = server.port();
        try (Client a = new Client(port); Client b = new Client(port)) {
            a.readUntil("g! ");
            b.readUntil("g! ");
            server.close();
            assertEquals("", a.readToEnd());
            assertEquals("", b.readToEnd());
        }
        waitFor(() -> closed.get() == 2);
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void aBusyPortIsReportedAtStart() throws Exception {
        start(1);
        TelnetServer second = new TelnetServer(InetAddress.getLoopbackAddress(), server.port(), 1, this::fakeShell);
        assertThrows(IOException.class, second::start);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }

}
