package lodestar.testkit;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds a DS configuration annotation instance the way SCR does: given values, else the defaults. */
public final class Configs {

    private Configs() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T of(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            Object d = m.getDefaultValue();
            if (d != null) {
                return d;
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }
}
