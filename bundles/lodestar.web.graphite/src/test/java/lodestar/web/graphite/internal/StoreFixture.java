package lodestar.web.graphite.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.store.internal.StoreComponent;
import lodestar.testkit.Configs;

/**
 * A real embedded store (lodestar.store's component, built without OSGi, no snapshots) for the tests and the
 * render benchmark, and helpers to write series into it.
 */
public final class StoreFixture implements AutoCloseable {

    public final StoreComponent store;

    public StoreFixture(Path home) {
        this(home, "64MB");
    }

    public StoreFixture(Path home, String maxMemory) {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(StoreFixture.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) ->
                        method.getName().equals("getProperty") && "lodestar.home".equals(args[0]) ? home.toString() : null);
        store = new StoreComponent(Configs.of(StoreComponent.Config.class, "persistInterval", "0", "maxMemory", maxMemory),
                context);
    }

    /** Writes {@code values[i]} at {@code firstSecond + i * stepSeconds}; NaN values are skipped (no point). */
    public void write(String name, Tags tags, long firstSecond, long stepSeconds, double... values) {
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                batch.add(Sample.of(name, tags, values[i], (firstSecond + i * stepSeconds) * 1000, Kind.GAUGE));
            }
        }
        store.write(batch);
    }

    public void write(String name, long firstSecond, long stepSeconds, double... values) {
        write(name, Tags.EMPTY, firstSecond, stepSeconds, values);
    }

    /** Stops the store's maintenance thread (its deactivate is package-private: DS calls it). */
    @Override
    public void close() throws Exception {
        Method m = StoreComponent.class.getDeclaredMethod("deactivate");
        m.setAccessible(true);
        m.invoke(store);
    }
}
