package lodestar.runtime.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** ConsoleSettings in memory: what ConfigurationAdmin would hold. */
final class FakeConsoleSettings implements ConsoleSettings {

    Map<String, Object> properties;
    int writes;

    FakeConsoleSettings(Map<String, Object> initial) {
        this.properties = initial == null ? null : new LinkedHashMap<>(initial);
    }

    @Override
    public Map<String, Object> read() {
        return properties == null ? null : new LinkedHashMap<>(properties);
    }

    @Override
    public void write(Map<String, Object> props) {
        properties = new LinkedHashMap<>(props);
        writes++;
    }
}
