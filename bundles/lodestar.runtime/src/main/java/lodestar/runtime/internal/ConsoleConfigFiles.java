package lodestar.runtime.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.felix.utils.properties.InterpolationHelper;
import org.apache.felix.webconsole.spi.ConfigurationHandler;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a configuration made in the web console a file of its own in {@code conf/}, so that {@code conf/} says what
 * runs: {@code conf/<factoryPid>-<name>.cfg} for a new instance of a factory component ({@code name} is the
 * configuration's {@code name} property when that makes a file name and the file does not exist yet, else the
 * first free number: {@code lodestar.beacon.command-1.cfg}), {@code conf/<pid>.cfg} for a component of one
 * instance. Only {@code lodestar.*} configurations, and only while FileInstall watches {@code conf/}.
 *
 * <p>A web console {@link ConfigurationHandler}: the console calls it with the properties it is about to save.
 * It names the file in FileInstall's property ({@code felix.fileinstall.filename}) before the configuration is
 * saved, and {@link ConfigWriteBack} writes the file once it is: FileInstall, scanning the new file, then finds
 * the configuration that names it and takes it as its own (with the file written first, it would make a second
 * configuration from it, and the component would run twice). It also hides that property from the console's
 * form, which makes the console keep it when the form is saved (the console used to drop it, and with it the
 * link between a configuration and its file).
 *
 * <p>The web console's SPI package is imported optionally: without the console this component is never used.
 */
@Component(name = "lodestar.runtime.consolefiles", service = ConfigurationHandler.class,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ConsoleConfigFiles implements ConfigurationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfigFiles.class);

    /** What the console passes as the PID of a factory configuration it is making. */
    static final String NEW_FACTORY_PID = "[Temporary PID replacement]";
    /** A {@code name} property that can be part of a file name as it is. */
    private static final Pattern FILE_NAME_PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    /** How long a file name given out stays reserved for its configuration's first save. */
    private static final long RESERVATION_MILLIS = 60_000;

    private final ConfigurationAdmin configAdmin;
    private final ConfigWriteBack writeBack;
    /** conf/ as FileInstall names it (canonical), or null when FileInstall does not watch it. */
    private final File conf;
    /** Files given out and not yet written, with when. */
    private final Map<Path, Long> reserved = new ConcurrentHashMap<>();

    @Activate
    public ConsoleConfigFiles(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference ConfigWriteBack writeBack) {
        this(configAdmin, writeBack, watchedConf(context));
    }

    ConsoleConfigFiles(ConfigurationAdmin configAdmin, ConfigWriteBack writeBack, File conf) {
        this.configAdmin = configAdmin;
        this.writeBack = writeBack;
        this.conf = conf;
        if (conf == null) {
            LOG.info("conf/ is not watched by FileInstall: configurations made in the web console are not saved to files");
        }
    }

    /** The home's conf/ when FileInstall watches it ({@code felix.fileinstall.dir}), as FileInstall names it. */
    static File watchedConf(BundleContext context) {
        String dirs = context.getProperty("felix.fileinstall.dir");
        if (dirs == null) {
            return null;
        }
        File home = Home.of(context.getProperty("lodestar.home")).resolve("conf").toFile();
        for (String entry : dirs.split(",")) {
            String dir = InterpolationHelper.substVars(entry.strip(), "felix.fileinstall.dir", null, null, context);
            File canonical = canonical(new File(dir));
            if (canonical.equals(canonical(home))) {
                return canonical;
            }
        }
        return null;
    }

    private static File canonical(File f) {
        try {
            return f.getCanonicalFile();
        } catch (IOException e) {
            return f.getAbsoluteFile();
        }
    }

    @Override
    public void createConfiguration(String pid) {
        // named when it is first saved
    }

    @Override
    public void createFactoryConfiguration(String factoryPid, String name) {
        // idem
    }

    @Override
    public void deleteConfiguration(String factoryPid, String pid) {
        // ConfigWriteBack removes the file with the configuration
    }

    /** FileInstall's link to the file is no field of the form; hidden, the console also keeps it on save. */
    @Override
    public void filterProperties(String factoryPid, String pid, Collection<String> propertyNames) {
        propertyNames.remove(CfgFile.FILENAME);
    }

    @Override
    public void updateConfiguration(String factoryPid, String pid, Dictionary<String, Object> props) throws IOException {
        String owner = factoryPid != null ? factoryPid : pid;
        if (conf == null || owner == null || !owner.startsWith("lodestar.") || props.get(CfgFile.FILENAME) != null) {
            return;
        }
        if (!NEW_FACTORY_PID.equals(pid) && pid != null) {
            Map<String, Object> existing = Configurations.properties(configAdmin, pid);
            if (existing != null && existing.get(CfgFile.FILENAME) != null) {
                return; // has its file; the console puts the property back after this
            }
        }
        File file = factoryPid != null ? newInstanceFile(factoryPid, props.get("name")) : singleFile(pid);
        if (file == null) {
            return;
        }
        // the way FileInstall writes it, so that it finds this configuration when it reads the file
        props.put(CfgFile.FILENAME, file.toURI().toString());
        writeBack.expect(file.toPath());
    }

    private File singleFile(String pid) {
        File file = new File(conf, pid + ".cfg");
        if (file.exists() || !reserve(file)) {
            LOG.warn("Configuration {}: made in the web console, but {} exists already; not saved to conf/", pid, file);
            return null;
        }
        return file;
    }

    private File newInstanceFile(String factoryPid, Object name) {
        if (name instanceof String n && FILE_NAME_PART.matcher(n.strip()).matches()) {
            File file = new File(conf, factoryPid + "-" + n.strip() + ".cfg");
            if (!file.exists() && reserve(file)) {
                return file;
            }
        }
        for (int i = 1; i < 10_000; i++) {
            File file = new File(conf, factoryPid + "-" + i + ".cfg");
            if (!file.exists() && reserve(file)) {
                return file;
            }
        }
        return null;
    }

    private boolean reserve(File file) {
        long now = System.currentTimeMillis();
        for (Iterator<Map.Entry<Path, Long>> it = reserved.entrySet().iterator(); it.hasNext();) {
            if (it.next().getValue() < now - RESERVATION_MILLIS) {
                it.remove();
            }
        }
        return reserved.putIfAbsent(file.toPath(), now) == null;
    }
}
