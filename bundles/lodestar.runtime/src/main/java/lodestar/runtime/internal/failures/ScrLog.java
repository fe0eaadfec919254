package lodestar.runtime.internal.failures;

import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Where SCR (Felix's Declarative Services) logs: it uses an OSGi {@link LoggerFactory} service when there is one,
 * else prints to stdout. This one writes SCR's lines to slf4j, like the rest of the platform, as logger
 * {@value #LOGGER}, at the levels SCR is set to log ({@code ds.loglevel}, by default errors only), with one
 * exception: a component that failed because a value of its configuration is bad (an
 * {@link IllegalArgumentException} in its cause) is logged at debug, since {@link ConfigurationFailures} reports it
 * as one line naming the file and the property; SCR's report is two stack traces without the file.
 *
 * <p>No other bundle of the platform uses a {@code LoggerFactory}.
 */
@Component(name = "lodestar.runtime.scrlog", service = LoggerFactory.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ScrLog implements LoggerFactory {

    static final String LOGGER = "org.apache.felix.scr";

    /** SCR's levels, most severe first, as {@code ds.loglevel} names them. */
    enum Level {
        ERROR, WARN, INFO, DEBUG, TRACE;

        /** {@code ds.loglevel}: a name ({@code warn}, {@code warning}) or a number (1 error ... 4 debug); error when unset. */
        static Level of(String property) {
            if (property == null || property.isBlank()) {
                return ERROR;
            }
            String p = property.strip().toLowerCase(Locale.ROOT);
            return switch (p) {
                case "0", "1", "error", "audit" -> ERROR;
                case "2", "warn", "warning" -> WARN;
                case "3", "info" -> INFO;
                case "4", "debug" -> DEBUG;
                case "5", "trace" -> TRACE;
                default -> ERROR;
            };
        }
    }

    private final Level level;
    private final org.slf4j.Logger out = org.slf4j.LoggerFactory.getLogger(LOGGER);

    @Activate
    public ScrLog(BundleContext context) {
        this(Level.of(context.getProperty("ds.loglevel")));
    }

    ScrLog(Level level) {
        this.level = level;
    }

    @Override
    public Logger getLogger(String name) {
        return new ScrLogger(name, level, out);
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        return getLogger(clazz.getName());
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        return loggerType.cast(getLogger(name));
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        return getLogger(clazz.getName(), loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Bundle bundle, String name, Class<L> loggerType) {
        return getLogger(name, loggerType);
    }
}
