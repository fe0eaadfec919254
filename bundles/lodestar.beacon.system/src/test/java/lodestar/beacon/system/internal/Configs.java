package lodestar.beacon.system.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds a {@link SystemBeacon.Config} the way DS does: the annotation's defaults, overridden by properties. */
final class Configs {

    private Configs() {
    }

    static SystemBeacon.Config of(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (SystemBeacon.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {SystemBeacon.Config.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "annotationType":
                            return SystemBeacon.Config.class;
                        case "toString":
                            return "Config" + props;
                        case "hashCode":
                            return props.hashCode();
                        case "equals":
                            return proxy == args[0];
                        default:
                            return props.containsKey(method.getName()) ? props.get(method.getName()) : method.getDefaultValue();
                    }
                });
    }

    /** Every group off except the named ones. */
    static SystemBeacon.Config only(String... groups) {
        String[] all = {"cpu", "load", "memory", "swap", "disk", "diskio", "network", "processes", "uptime"};
        Object[] kv = new Object[2 * all.length];
        for (int i = 0; i < all.length; i++) {
            kv[2 * i] = all[i];
            kv[2 * i + 1] = java.util.List.of(groups).contains(all[i]);
        }
        return of(kv);
    }
}
