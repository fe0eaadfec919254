package lodestar.runtime.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the platform home at start: folders, default configuration files, and a web console password.
 */
@Component(name = "lodestar.runtime", immediate = true, service = {}, configurationPolicy = ConfigurationPolicy.IGNORE)
public class RuntimeComponent {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeComponent.class);

    /** How long a SIGTERM may take to stop the framework (the core allows sinks 10 s to flush by default). */
    static final long STOP_TIMEOUT_MILLIS = 30_000;

    private final Home home;
    private final StopOnSignal stopOnSignal;

    @Activate
    public RuntimeComponent(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.home = Home.of(context.getProperty("lodestar.home"));
        this.stopOnSignal = new StopOnSignal(context.getBundle(0), STOP_TIMEOUT_MILLIS);
        stopOnSignal.install();
        try {
            List<Path> created = home.createFolders();
            if (!created.isEmpty()) {
                LOG.info("Home {}: created {}", home.root(), created);
            }
            List<Path> written = home.writeDefaults(name -> RuntimeComponent.class.getResourceAsStream("/defaults/" + name));
            for (Path file : written) {
                LOG.info("Wrote default configuration {}", file);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Home {}: cannot prepare it: {}", home.root(), e.toString());
        }
        secureConsole(context, configAdmin);
        LOG.info("Lodestar home {}", home.root());
    }

    private void secureConsole(BundleContext context, ConfigurationAdmin configAdmin) {
        ConsolePassword console = new ConsolePassword(home.root(), new ConfigAdminConsoleSettings(configAdmin),
                context.getProperty(ConsolePassword.FRAMEWORK_PASSWORD), new SecureRandom());
        String url = consoleUrl(context);
        try {
            switch (console.secure()) {
                case OPERATOR_CONFIGURATION:
                case OPERATOR_FILE:
                case OPERATOR_PROPERTY:
                    LOG.info("Web console: {} (credentials configured by the operator)", url);
                    break;
                default:
                    LOG.info("Web console: {} user {}, password in {}", url, ConsolePassword.USER, console.passwordFile());
            }
        } catch (IOException | RuntimeException e) {
            // the console stays locked (bndrun's placeholder password): safe, only not usable
            LOG.error("Web console: cannot set its password ({}); it stays locked", e.toString());
        }
    }

    private static String consoleUrl(BundleContext context) {
        String host = context.getProperty("org.apache.felix.http.host");
        String port = context.getProperty("org.osgi.service.http.port");
        String root = context.getProperty("felix.webconsole.manager.root");
        return "http://" + (host == null || host.isBlank() ? "0.0.0.0" : host) + ":" + (port == null ? "8080" : port)
                + (root == null ? "/system/console" : root);
    }

    @Deactivate
    void deactivate() {
        stopOnSignal.uninstall();
        LOG.info("Lodestar home {}: stopping", home.root());
    }
}
