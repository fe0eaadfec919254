package lodestar.runtime.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** ConfigurationAdmin look-ups the runtime's components share. */
public final class Configurations {

    private Configurations() {
    }

    /**
     * The properties of the configuration with this PID, or null when there is none or it has none yet.
     * Unlike {@code getConfiguration}, this never creates an empty configuration as a side effect.
     */
    public static Map<String, Object> properties(ConfigurationAdmin configAdmin, String pid) throws IOException {
        Configuration[] found;
        try {
            found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // the value is escaped: cannot happen
        }
        return found == null || found.length == 0 ? null : asMap(found[0].getProperties());
    }

    /** A configuration's dictionary as a map, in its order; null for null. */
    static Map<String, Object> asMap(Dictionary<String, Object> props) {
        if (props == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            out.put(key, props.get(key));
        }
        return out;
    }

    /** RFC 1960 escaping of a filter value: a factory configuration's PID may hold any character. */
    static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
