package lodestar.runtime.internal;

import java.io.IOException;
import java.util.Map;

/**
 * The web console's configuration (PID {@value #PID}), behind an interface so the password logic can be tested
 * without ConfigurationAdmin.
 */
interface ConsoleSettings {

    String PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";

    /** The current properties, or null if there is no configuration. */
    Map<String, Object> read() throws IOException;

    /** Replaces the configuration's properties. */
    void write(Map<String, Object> properties) throws IOException;
}
