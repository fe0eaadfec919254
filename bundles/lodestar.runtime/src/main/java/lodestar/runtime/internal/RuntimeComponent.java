package lodestar.runtime.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.ArrayList;
import lodestar.api.Monitored;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
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

    /**
     * When the summary is logged: this component runs at start level 1, before FileInstall (2) has applied conf/ and
     * the plugins (3) have started, and the framework may report STARTED before it climbs to the last level (the bnd
     * launcher raises it). So: once every bundle's start level is reached, at least
     * {@code SUMMARY_DELAY_MILLIS} after that, once the number of running parts has not changed for
     * {@code SUMMARY_SETTLED_MILLIS}, and at the latest {@code SUMMARY_LATEST_MILLIS} after the start.
     */
    static final long SUMMARY_DELAY_MILLIS = 1000;
    static final long SUMMARY_SETTLED_MILLIS = 1000;
    static final long SUMMARY_LATEST_MILLIS = 8000;

    private final Home home;
    private final StopOnSignal stopOnSignal;
    private final BundleContext context;
    private volatile String consoleUrl;
    private volatile String passwordFile;
    private final FrameworkListener started = this::frameworkEvent;
    private volatile Thread summary;
    private final FileInstallLog fileInstallLog = new FileInstallLog();

    @Activate
    public RuntimeComponent(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        fileInstallLog.install();
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
        context.addFrameworkListener(started);
        // SCR may activate this component after the framework has said it started: then the summary goes now
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            frameworkEvent(new FrameworkEvent(FrameworkEvent.STARTED, context.getBundle(0), null));
        }
    }

    private synchronized void frameworkEvent(FrameworkEvent event) {
        if (event.getType() != FrameworkEvent.STARTED || summary != null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                long start = System.currentTimeMillis();
                while (!allStartLevelsReached() && System.currentTimeMillis() - start < SUMMARY_LATEST_MILLIS) {
                    Thread.sleep(100);
                }
                Thread.sleep(SUMMARY_DELAY_MILLIS);
                int parts = monitored().size();
                long since = System.currentTimeMillis();
                while (System.currentTimeMillis() - since < SUMMARY_SETTLED_MILLIS
                        && System.currentTimeMillis() - start < SUMMARY_LATEST_MILLIS) {
                    Thread.sleep(100);
                    int now = monitored().size();
                    if (now != parts) {
                        parts = now;
                        since = System.currentTimeMillis();
                    }
                }
                logSummary();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Start-up summary: {}", e.toString());
            }
        }, "lodestar-startup-summary");
        t.setDaemon(true);
        summary = t;
        t.start();
    }

    /** Whether the framework has climbed to the highest start level any installed bundle has. */
    private boolean allStartLevelsReached() {
        try {
            int highest = 1;
            for (Bundle b : context.getBundles()) {
                BundleStartLevel level = b.adapt(BundleStartLevel.class);
                if (level != null && level.isPersistentlyStarted()) {
                    highest = Math.max(highest, level.getStartLevel());
                }
            }
            return context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel() >= highest;
        } catch (IllegalStateException stopping) {
            return true;
        }
    }

    private java.util.Collection<ServiceReference<Monitored>> monitored() {
        try {
            return context.getServiceReferences(Monitored.class, null);
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            return List.of();
        }
    }

    private void logSummary() {
        List<lodestar.api.ComponentStatus> parts = new ArrayList<>();
        for (ServiceReference<Monitored> ref : monitored()) {
            Monitored m = context.getService(ref);
            if (m != null) {
                try {
                    parts.add(m.status());
                } catch (RuntimeException e) {
                    // a part that cannot say its status is left out of the summary; lodestar:status shows it
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        String host = context.getProperty("org.apache.felix.http.host");
        String port = context.getProperty("org.osgi.service.http.port");
        String shell = context.getProperty("osgi.shell.telnet.port");
        for (String line : StartupSummary.lines(consoleUrl, passwordFile,
                (host == null || host.isBlank() ? "0.0.0.0" : host) + ":" + (port == null ? "8080" : port),
                shell == null || shell.isBlank() ? null : shell.strip(), parts)) {
            LOG.info(line);
        }
        // Gogo printed its prompt when it started, above these lines: on a terminal, show it again below them
        String gosh = context.getProperty("gosh.args");
        if (System.console() != null && (gosh == null || !gosh.contains("--nointeractive"))) {
            System.out.print("g! ");
            System.out.flush();
        }
    }

    private void secureConsole(BundleContext context, ConfigurationAdmin configAdmin) {
        ConsolePassword console = new ConsolePassword(home.root(), new ConfigAdminConsoleSettings(configAdmin),
                context.getProperty(ConsolePassword.FRAMEWORK_PASSWORD), new SecureRandom());
        String url = consoleUrl(context);
        this.consoleUrl = url;
        try {
            switch (console.secure()) {
                case OPERATOR_CONFIGURATION:
                case OPERATOR_FILE:
                case OPERATOR_PROPERTY:
                    LOG.info("Web console: {} (credentials configured by the operator)", url);
                    break;
                default:
                    this.passwordFile = String.valueOf(console.passwordFile());
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
        context.removeFrameworkListener(started);
        Thread t = summary;
        if (t != null) {
            t.interrupt();
        }
        stopOnSignal.uninstall();
        fileInstallLog.uninstall();
        LOG.info("Lodestar home {}: stopping", home.root());
    }
}
