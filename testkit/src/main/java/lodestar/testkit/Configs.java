package lodestar.testkit;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a DS configuration annotation instance the way SCR does: the given values, else the
 * annotation's defaults. For unit tests of components with constructor injection.
 */
public final class Configs {

    private Configs() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T of(Class<T> type, Map<String, ?> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + values;
                case "hashCode":
                    return values.hashCode();
                case "equals":
                    return proxy == args[0];
                default:
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    Object d = m.getDefaultValue();
                    if (d != null) {
                        return d;
                    }
                    throw new UnsupportedOperationException(m.getName() + " has no value and no default");
            }
        });
    }

    /** Like {@link #of(Class, Map)} with alternating property names and values. */
    public static <T> T of(Class<T> type, Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return of(type, props);
    }
}
