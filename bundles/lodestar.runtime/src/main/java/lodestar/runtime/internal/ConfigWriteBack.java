package lodestar.runtime.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Monitored;
import lodestar.support.log.RateLimitedLog;
import org.apache.felix.utils.properties.InterpolationHelper;
import org.apache.felix.utils.properties.TypedProperties;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a configuration changed through ConfigAdmin (the web console, a shell command, another bundle) into the
 * {@code conf/} file it came from, and removes the file when the configuration is deleted, so that the change
 * outlives a restart: the framework cache, and ConfigAdmin's own store with it, is emptied at each start.
 *
 * <p>FileInstall can do this itself ({@code felix.fileinstall.enableConfigSave}), but it truncates the file and
 * writes it in place at every configuration event, including the one its own reading of the file causes; its
 * directory scan, running at that moment, can read the file empty and apply that. Seen at start in CI: a Graphite
 * sink configured from an empty file (defaults: plaintext to port 2003) while its file said pickle to another
 * port, and never corrected, since the scan then took the rewritten file as already read. The bndrun turns
 * FileInstall's saving off; this writes only when the properties differ from the file's, and renames a complete
 * new file over the old one ({@link CfgFile}).
 *
 * <p>A configuration made in the web console has no file yet: {@link ConsoleConfigFiles} names one for it before
 * the console saves it, and this writes it once saved ({@link #expect}).
 */
@Component(name = "lodestar.runtime.configsave",
        service = {ConfigurationListener.class, Monitored.class, ConfigWriteBack.class},
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ConfigWriteBack implements ConfigurationListener, Monitored {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWriteBack.class);

    private final ConfigurationAdmin configAdmin;
    private final Charset encoding;
    private final TypedProperties.SubstitutionCallback substitution;
    /**
     * Each file-made configuration's file, remembered because a deleted configuration no longer says it, with
     * the file's version when the two last agreed.
     */
    private final Map<String, Known> files = new ConcurrentHashMap<>();
    /** New files a configuration will name (made in the web console), with when they were announced. */
    private final Map<Path, Long> expected = new ConcurrentHashMap<>();
    private final RateLimitedLog failures = new RateLimitedLog(60_000, LOG::warn);
    /**
     * files rewritten, files created for configurations made in the console, files removed, files kept because they
     * changed since read, saves or removals that failed
     */
    private final AtomicLong saved = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** whether the last save or removal failed (the state shows "failing" until one succeeds) */
    private volatile boolean failing;
    private volatile String lastError;

    @Activate
    public ConfigWriteBack(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        String encodingName = context.getProperty("felix.fileinstall.configEncoding");
        this.encoding = encodingName == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encodingName);
        // ${...} in a file resolve as FileInstall resolves them, so an unchanged value compares equal and the
        // file keeps its ${...}
        InterpolationHelper.SubstitutionCallback lookup = new InterpolationHelper.BundleContextSubstitutionCallback(context);
        this.substitution = (name, key, value) -> lookup.getValue(value);
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            if (all != null) {
                for (Configuration c : all) {
                    Path file = fileOf(Configurations.asMap(c.getProperties()));
                    if (file != null) {
                        seen(c.getPid(), cfg(file));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Configuration files: cannot list the configurations ({}); those made before now are not "
                    + "removed from conf/ when deleted", e.toString());
        }
    }

    /**
     * A configuration about to be saved names {@code file}, which does not exist yet: write it when the saved
     * configuration says so. Only announced files are created, so that a file an operator deleted never comes back
     * from a configuration that still names it.
     */
    void expect(Path file) {
        long now = System.currentTimeMillis();
        expected.values().removeIf(t -> t < now - 60_000);
        expected.put(file, now);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            updated(event.getPid());
        } else if (event.getType() == ConfigurationEvent.CM_DELETED) {
            deleted(event.getPid());
        }
    }

    private void updated(String pid) {
        try {
            Map<String, Object> props = Configurations.properties(configAdmin, pid);
            if (props == null) {
                return;
            }
            Known known = files.get(pid);
            Path file = fileOf(props);
            if (file == null && known != null) {
                // the web console's form drops FileInstall's filename property from what it saves
                file = known.file();
            }
            if (file != null && known == null && !Files.exists(file) && expected.remove(file) != null) {
                create(pid, cfg(file), props);
                return;
            }
            if (file == null || !Files.isRegularFile(file)) {
                return;
            }
            CfgFile cfg = cfg(file);
            if (known != null && known.file().equals(file) && known.version() != null
                    && cfg.changedSince(known.version())) {
                // the file changed since it and the configuration last agreed: an edit FileInstall applies next (or
                // this very event is FileInstall applying it); writing the configuration now could undo the edit
                seen(pid, cfg);
                return;
            }
            save(pid, cfg, props);
            seen(pid, cfg);
        } catch (IOException | RuntimeException e) {
            failure("Configuration " + pid + ": cannot save it to its file (" + e
                    + "); the change applies now but is lost at the next start");
        }
    }

    private void save(String pid, CfgFile cfg, Map<String, Object> props) throws IOException {
        if (!Files.isWritable(cfg.path())) {
            failure("Configuration " + pid + ": changed, but its file " + cfg.path()
                    + " is not writable; the change is lost at the next start");
            return;
        }
        if (cfg.save(props)) {
            saved.incrementAndGet();
            failing = false;
            LOG.info("Configuration {}: saved to {}", pid, cfg.path());
        }
    }

    private void create(String pid, CfgFile cfg, Map<String, Object> props) throws IOException {
        if (cfg.create(props, "Made in the web console on " + java.time.LocalDate.now()
                + ". Edit here or in the console: each is saved to the other.")) {
            created.incrementAndGet();
            failing = false;
            LOG.info("Configuration {}: made in the web console, saved to {}", pid, cfg.path());
            seen(pid, cfg);
        } else {
            failure("Configuration " + pid + ": made in the web console, but " + cfg.path()
                    + " appeared meanwhile; the configuration is not saved to conf/");
        }
    }

    private void deleted(String pid) {
        Known known = files.remove(pid);
        if (known == null) {
            return;
        }
        try {
            switch (cfg(known.file()).deleteIf(known.version())) {
                case DELETED -> {
                    removed.incrementAndGet();
                    failing = false;
                    LOG.info("Configuration {}: deleted, and its file {}", pid, known.file());
                }
                case CHANGED -> {
                    kept.incrementAndGet();
                    LOG.info("Configuration {}: deleted, but its file {} changed since it was read and "
                            + "stays (FileInstall applies it again)", pid, known.file());
                }
                case ABSENT -> { }
            }
        } catch (IOException | RuntimeException e) {
            failure("Configuration " + pid + ": deleted, but its file " + known.file() + " cannot be removed (" + e
                    + "); it comes back at the next start");
        }
    }

    private void failure(String message) {
        failed.incrementAndGet();
        failing = true;
        lastError = message;
        failures.log(() -> message);
    }

    /**
     * Counters {@code saved}, {@code removed}, {@code kept}, {@code failed}, {@code created}; "failing" while the last
     * attempt failed.
     */
    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new java.util.LinkedHashMap<>();
        c.put("saved", saved.get());
        c.put("removed", removed.get());
        c.put("kept", kept.get());
        c.put("failed", failed.get());
        c.put("created", created.get());
        return new ComponentStatus("runtime", "configsave", failing ? State.FAILED : State.OK, failing ? "failing" : "ok", c, lastError);
    }

    /** The file a configuration names; null when FileInstall did not make it. */
    private static Path fileOf(Map<String, Object> props) {
        Path file = props == null ? null : CfgFile.of(props.get(CfgFile.FILENAME));
        return file == null || !CfgFile.isConfiguration(file) ? null : file;
    }

    private CfgFile cfg(Path file) {
        return new CfgFile(file, encoding, substitution);
    }

    /** The configuration and its file agree now: remember the file's version. */
    private void seen(String pid, CfgFile cfg) {
        CfgFile.Version version;
        try {
            version = cfg.version();
        } catch (IOException | RuntimeException e) {
            version = null;
        }
        files.put(pid, new Known(cfg.path(), version));
    }

    private record Known(Path file, CfgFile.Version version) {
    }
}
