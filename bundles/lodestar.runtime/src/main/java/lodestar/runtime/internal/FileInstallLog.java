package lodestar.runtime.internal;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.slf4j.LoggerFactory;

/**
 * FileInstall's log, in the platform's log format. FileInstall writes either bare lines to stdout ("Creating
 * configuration {...} from ...", without date or level) or to the java.util.logging logger {@code fileinstall}
 * ({@code felix.fileinstall.log.default=jul} in the bndrun); this handler takes the latter to slf4j, so that every
 * line of the log has the same date, time and level. Installed before FileInstall starts (start level 2).
 */
final class FileInstallLog extends Handler {

    /** The JUL logger FileInstall writes to. Held here: JUL keeps loggers only weakly, and our settings with them. */
    static final String LOGGER = "fileinstall";

    private static final org.slf4j.Logger OUT = LoggerFactory.getLogger(LOGGER);

    private final Logger jul = Logger.getLogger(LOGGER);

    void install() {
        jul.setUseParentHandlers(false);
        jul.setLevel(Level.ALL);
        jul.addHandler(this);
    }

    void uninstall() {
        jul.removeHandler(this);
        jul.setUseParentHandlers(true);
    }

    @Override
    public void publish(LogRecord r) {
        int level = r.getLevel().intValue();
        String message = r.getMessage();
        Throwable t = r.getThrown();
        if (level >= Level.SEVERE.intValue()) {
            OUT.error(message, t);
        } else if (level >= Level.WARNING.intValue()) {
            OUT.warn(message, t);
        } else if (level >= Level.INFO.intValue()) {
            OUT.info(message, t);
        } else if (level >= Level.FINE.intValue()) {
            OUT.debug(message, t);
        } else {
            OUT.trace(message, t);
        }
    }

    @Override
    public void flush() {
        // slf4j-simple writes each line at once
    }

    @Override
    public void close() {
        // nothing held
    }
}
