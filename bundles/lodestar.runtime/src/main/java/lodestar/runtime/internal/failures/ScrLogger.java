package lodestar.runtime.internal.failures;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerConsumer;

/**
 * One of SCR's loggers, written to slf4j ({@link ScrLog}). The OSGi and slf4j loggers share their message syntax
 * ({@code {}} placeholders, a last argument that is a {@link Throwable} is the exception), so arguments pass
 * through unchanged.
 */
final class ScrLogger implements Logger {

    private final String name;
    private final ScrLog.Level level;
    private final org.slf4j.Logger out;

    ScrLogger(String name, ScrLog.Level level, org.slf4j.Logger out) {
        this.name = name;
        this.level = level;
        this.out = out;
    }

    private boolean enabled(ScrLog.Level l) {
        if (l.compareTo(level) > 0) {
            return false;
        }
        return switch (l) {
            case ERROR -> out.isErrorEnabled();
            case WARN -> out.isWarnEnabled();
            case INFO -> out.isInfoEnabled();
            case DEBUG -> out.isDebugEnabled();
            case TRACE -> out.isTraceEnabled();
        };
    }

    private void log(ScrLog.Level l, String format, Object... args) {
        if (l.compareTo(ScrLog.Level.WARN) <= 0 && isBadConfiguration(args)) {
            out.debug(format, args); // ConfigurationFailures says it in one line
            return;
        }
        if (!enabled(l)) {
            return;
        }
        switch (l) {
            case ERROR -> out.error(format, args);
            case WARN -> out.warn(format, args);
            case INFO -> out.info(format, args);
            case DEBUG -> out.debug(format, args);
            case TRACE -> out.trace(format, args);
        }
    }

    /** Whether the exception (the last argument) was caused by a bad value: an IllegalArgumentException. */
    static boolean isBadConfiguration(Object... args) {
        if (args == null || args.length == 0 || !(args[args.length - 1] instanceof Throwable t)) {
            return false;
        }
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(ScrLog.Level.TRACE);
    }

    @Override
    public void trace(String message) {
        log(ScrLog.Level.TRACE, message);
    }

    @Override
    public void trace(String format, Object arg) {
        log(ScrLog.Level.TRACE, format, arg);
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        log(ScrLog.Level.TRACE, format, arg1, arg2);
    }

    @Override
    public void trace(String format, Object... arguments) {
        log(ScrLog.Level.TRACE, format, arguments);
    }

    @Override
    public <E extends Exception> void trace(LoggerConsumer<E> consumer) throws E {
        if (isTraceEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(ScrLog.Level.DEBUG);
    }

    @Override
    public void debug(String message) {
        log(ScrLog.Level.DEBUG, message);
    }

    @Override
    public void debug(String format, Object arg) {
        log(ScrLog.Level.DEBUG, format, arg);
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        log(ScrLog.Level.DEBUG, format, arg1, arg2);
    }

    @Override
    public void debug(String format, Object... arguments) {
        log(ScrLog.Level.DEBUG, format, arguments);
    }

    @Override
    public <E extends Exception> void debug(LoggerConsumer<E> consumer) throws E {
        if (isDebugEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(ScrLog.Level.INFO);
    }

    @Override
    public void info(String message) {
        log(ScrLog.Level.INFO, message);
    }

    @Override
    public void info(String format, Object arg) {
        log(ScrLog.Level.INFO, format, arg);
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        log(ScrLog.Level.INFO, format, arg1, arg2);
    }

    @Override
    public void info(String format, Object... arguments) {
        log(ScrLog.Level.INFO, format, arguments);
    }

    @Override
    public <E extends Exception> void info(LoggerConsumer<E> consumer) throws E {
        if (isInfoEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(ScrLog.Level.WARN);
    }

    @Override
    public void warn(String message) {
        log(ScrLog.Level.WARN, message);
    }

    @Override
    public void warn(String format, Object arg) {
        log(ScrLog.Level.WARN, format, arg);
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        log(ScrLog.Level.WARN, format, arg1, arg2);
    }

    @Override
    public void warn(String format, Object... arguments) {
        log(ScrLog.Level.WARN, format, arguments);
    }

    @Override
    public <E extends Exception> void warn(LoggerConsumer<E> consumer) throws E {
        if (isWarnEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public boolean isErrorEnabled() {
        // SCR asks before it logs; a failure that goes to debug must still reach log()
        return enabled(ScrLog.Level.ERROR) || out.isDebugEnabled();
    }

    @Override
    public void error(String message) {
        log(ScrLog.Level.ERROR, message);
    }

    @Override
    public void error(String format, Object arg) {
        log(ScrLog.Level.ERROR, format, arg);
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        log(ScrLog.Level.ERROR, format, arg1, arg2);
    }

    @Override
    public void error(String format, Object... arguments) {
        log(ScrLog.Level.ERROR, format, arguments);
    }

    @Override
    public <E extends Exception> void error(LoggerConsumer<E> consumer) throws E {
        if (isErrorEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public void audit(String message) {
        out.info(message);
    }

    @Override
    public void audit(String format, Object arg) {
        out.info(format, arg);
    }

    @Override
    public void audit(String format, Object arg1, Object arg2) {
        out.info(format, arg1, arg2);
    }

    @Override
    public void audit(String format, Object... arguments) {
        out.info(format, arguments);
    }
}
