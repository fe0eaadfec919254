package lodestar.runtime.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
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
        Configuration[] found;
        try {
            // listConfigurations does not create an empty configuration as a side effect
            found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Dictionary<String, Object> props = found[0].getProperties();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            out.put(key, props.get(key));
        }
        return out;
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
