package lodestar.runtime.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** {@link ConsoleSettings} through ConfigurationAdmin. */
final class ConfigAdminConsoleSettings implements ConsoleSettings {

    private final ConfigurationAdmin configAdmin;

    ConfigAdminConsoleSettings(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public Map<String, Object> read() throws IOException {
        return Configurations.properties(configAdmin, PID);
    }

    @Override
    public void write(Map<String, Object> properties) throws IOException {
        // location "?": any bundle may use it; without it the configuration would be bound to this bundle and the
        // web console would never see it
        Configuration config = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> dict = new Hashtable<>();
        properties.forEach((k, v) -> {
            if (v != null && !Constants.SERVICE_PID.equals(k)) {
                dict.put(k, v);
            }
        });
        config.update(dict);
    }
}
