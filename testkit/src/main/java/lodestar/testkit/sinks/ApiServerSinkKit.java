package lodestar.testkit.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;

import lodestar.api.Sink;
import lodestar.testkit.servers.ApiServer;

/**
 * The {@link SinkCompatibilityKit} for a sink tested against one of the in-repo API servers (OpenTSDB,
 * KairosDB, Librato): sinks created with the server's {@code url}, read back from what the server
 * stored, the backend broken with 503 answers. After each test the sinks are deactivated, the server
 * recovers, and no request may have broken the backend's documented API.
 *
 * @param <S> the sink's class
 */
public abstract class ApiServerSinkKit<S extends Sink> extends SinkCompatibilityKit {

    private final List<S> sinks = new ArrayList<>();

    /** The running server. */
    protected abstract ApiServer server();

    /**
     * The sink activated with these properties, as SCR would (typically
     * {@code new XSink(Configs.of(XSink.Config.class, props), props)}).
     */
    protected abstract S activate(Map<String, Object> props);

    /** Deactivates a sink, as SCR would. */
    protected abstract void deactivate(S sink);

    /** Properties every sink needs besides the url (a user and token); none by default. */
    protected Map<String, Object> requiredConfig() {
        return Map.of();
    }

    /** Puts back server state a test may have changed besides the failures {@link ApiServer#recover()} ends. */
    protected void resetServer() {
    }

    /** A sink writing to the server: the url, {@link #requiredConfig()}, then {@code extra}. */
    protected final S sink(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(requiredConfig());
        props.put("url", server().url());
        props.putAll(extra);
        S s = activate(props);
        sinks.add(s);
        return s;
    }

    @AfterEach
    protected final void noRequestBrokeTheApi() {
        sinks.forEach(this::deactivate);
        sinks.clear();
        server().recover();
        resetServer();
        assertEquals(List.of(), server().rejections(), "requests that break the backend's documented API");
    }

    /**
     * Asserts that activating with {@link #requiredConfig()} and these properties fails with a message
     * that starts with {@code property:}.
     */
    protected final void assertRejected(String property, Object... keyValues) {
        Map<String, Object> props = new HashMap<>(requiredConfig());
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> activate(props));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Override
    protected Sink createSink(Map<String, Object> extraConfig) {
        return sink(extraConfig);
    }

    @Override
    protected List<Stored> readBack(String prefix, int expectedCount) throws Exception {
        return server().await(prefix, expectedCount).stream()
                .map(p -> new Stored(p.name(), p.tags(), p.value(), p.timestampMillis())).toList();
    }

    @Override
    protected void breakBackend() {
        server().failWith(503);
    }

    @Override
    protected void repairBackend() {
        server().recover();
    }
}
