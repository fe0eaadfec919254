package lodestar.sink.graphite.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** A {@link GraphiteSink.Config} with the annotation's defaults and some overrides, as DS would build it. */
final class Configs {

    private Configs() {
    }

    static GraphiteSink.Config config(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (GraphiteSink.Config) Proxy.newProxyInstance(GraphiteSink.Config.class.getClassLoader(),
                new Class<?>[] {GraphiteSink.Config.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "toString" -> "Config" + values;
                            case "hashCode" -> values.hashCode();
                            default -> proxy == args[0];
                        };
                    }
                    if (method.getName().equals("annotationType")) {
                        return GraphiteSink.Config.class;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }
}
