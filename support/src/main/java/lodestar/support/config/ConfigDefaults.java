package lodestar.support.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * Whether an operator chose a value or left a component's built-in default. DS hands a component every attribute
 * (bnd writes the defaults into the component description), so "absent" cannot be seen: a value equal to the
 * {@code Config} annotation's own default counts as not chosen. Used where a capped default deserves an INFO line
 * and a capped choice a warning (the UDP listeners' receive buffers).
 */
public final class ConfigDefaults {

    private ConfigDefaults() {
    }

    /**
     * @param config    the component's configuration annotation instance
     * @param attribute one of its methods, e.g. {@code "receiveBuffer"}
     * @return whether its value differs from the annotation's default (compared as trimmed, case-insensitive
     *         text: {@code 8MB} and {@code 8mb } are the default); true when the attribute has no default
     */
    public static boolean chosen(Annotation config, String attribute) {
        try {
            Method m = config.annotationType().getMethod(attribute);
            Object dflt = m.getDefaultValue();
            return dflt == null || !String.valueOf(dflt).strip().equalsIgnoreCase(String.valueOf(m.invoke(config)).strip());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
