package lodestar.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real carbon-c-relay (Debian's carbon-c-relay) with a given configuration (clusters and rules), listening on a
 * free loopback port only (a {@code listen} statement: {@code -p} would listen on every interface, UDP and a unix
 * socket too), in submission mode ({@code -s}: it adds no statistics series of its own) with a queue big enough that a test's
 * burst is not dropped.
 */
public final class CarbonCRelayProcess extends ServerProcess {

    private final Path relay;
    public final Path config;
    public final int port;

    public CarbonCRelayProcess(Path relay, Path dir, String configuration) throws IOException {
        super("carbon-c-relay", dir, "relay.out");
        this.relay = relay;
        this.port = freePorts(1)[0];
        this.config = dir.resolve("relay.conf");
        Files.writeString(config, "listen type linemode 127.0.0.1:" + port + " proto tcp;\n" + configuration);
    }

    @Override
    public List<String> command() {
        return List.of(relay.toString(), "-f", config.toString(), "-s", "-w", "2",
                "-q", "1000000", "-b", "2500", "-H", "e2e");
    }

    /** It says so once its workers and servers run; before, it may accept and not yet route. */
    @Override
    protected boolean ready() {
        try {
            return Files.readString(log).contains("startup sequence complete") && accepts(port);
        } catch (IOException e) {
            return false;
        }
    }
}
