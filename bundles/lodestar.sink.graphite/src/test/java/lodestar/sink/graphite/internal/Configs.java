package lodestar.sink.graphite.internal;

import java.util.HashMap;
import java.util.Map;

/** Graphite sinks for tests, configured as DS would configure them: annotation defaults plus overrides. */
final class Configs {

    private Configs() {
    }

    static GraphiteSink.Config config(Object... keyValues) {
        return lodestar.testkit.Configs.of(GraphiteSink.Config.class, keyValues);
    }

    /** A sink given the same overrides both as its typed configuration and as its property map. */
    static GraphiteSink sink(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new GraphiteSink(config(keyValues));
    }
}
