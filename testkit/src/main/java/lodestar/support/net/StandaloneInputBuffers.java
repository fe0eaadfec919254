package lodestar.support.net;

import java.net.InetSocketAddress;

/**
 * {@link InputBuffer}s without a {@link TcpServer}, for tests that drive a listener's TCP framing
 * ({@code TcpServer.Connection#read}) with chosen read boundaries, as the fuzz targets do. Lives in the support
 * package (in the test kit, on the test class path only) because a buffer is only ever made by its server.
 */
public final class StandaloneInputBuffers {

    private StandaloneInputBuffers() {
    }

    /** A buffer charged to its own budget of {@code memory} bytes (nothing else to reclaim from). */
    public static InputBuffer of(long memory) {
        TcpConnections budget = new TcpConnections(new TcpConnections.Limits(1, 60_000, memory),
                NetLog.of(m -> { }, m -> { }, (m, e) -> { }));
        return new InputBuffer(budget, (except, atLeast) -> false, new InetSocketAddress("127.0.0.1", 1), 0);
    }
}
