package lodestar.listener.collectd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Constants;

import lodestar.listener.collectd.CollectdConverter;
import lodestar.listener.collectd.CollectdValue;

/**
 * The converter whiteboard: built-in converters (Bucky's cpu, memory, interface plus load, df, disk) and the
 * default one, replaced by any {@link CollectdConverter} service for the same plugin (highest
 * {@code service.ranking} first, then lowest service id). Readers get an immutable snapshot and a generation
 * number that changes whenever the set changes, so cached names can be recomputed.
 */
final class Converters {

    static final String DEFAULT = "*";

    private record Reg(CollectdConverter converter, String plugin, int ranking, long id) {
    }

    /** guarded by this; replaced by {@link #configure} */
    private Map<String, CollectdConverter> builtins;
    private final List<Reg> services = new ArrayList<>();
    private volatile Map<String, CollectdConverter> active;
    private volatile int generation;

    Converters(boolean builtinPlugins, boolean alwaysAppendDs) {
        configure(builtinPlugins, alwaysAppendDs);
    }

    /** Sets which built-ins apply (a configuration change); the converter services stay bound. */
    synchronized void configure(boolean builtinPlugins, boolean alwaysAppendDs) {
        Map<String, CollectdConverter> b = new HashMap<>();
        b.put(DEFAULT, new DefaultConverter(alwaysAppendDs));
        if (builtinPlugins) {
            for (CollectdConverter c : Builtin.all(alwaysAppendDs)) {
                b.put(c.plugin(), c);
            }
        }
        builtins = Map.copyOf(b);
        rebuild();
    }

    /** The converter for {@code plugin}: a service, else a built-in, else the default. */
    CollectdConverter forPlugin(String plugin) {
        Map<String, CollectdConverter> m = active;
        CollectdConverter c = m.get(plugin);
        return c != null ? c : m.get(DEFAULT);
    }

    int generation() {
        return generation;
    }

    synchronized void add(CollectdConverter c, Map<String, ?> props) {
        String plugin = c.plugin();
        if (plugin == null || plugin.isEmpty()) {
            return;
        }
        Object r = props.get(Constants.SERVICE_RANKING);
        Object id = props.get(Constants.SERVICE_ID);
        services.add(new Reg(c, plugin, r instanceof Integer i ? i : 0, id instanceof Long l ? l : Long.MAX_VALUE));
        rebuild();
    }

    synchronized void remove(CollectdConverter c) {
        if (services.removeIf(r -> r.converter == c)) {
            rebuild();
        }
    }

    private void rebuild() {
        Map<String, CollectdConverter> m = new HashMap<>(builtins);
        Map<String, Reg> best = new HashMap<>();
        for (Reg r : services) {
            Reg b = best.get(r.plugin);
            if (b == null || r.ranking > b.ranking || (r.ranking == b.ranking && r.id < b.id)) {
                best.put(r.plugin, r);
            }
        }
        best.forEach((p, r) -> m.put(p, r.converter));
        active = Map.copyOf(m);
        generation++;
    }

    /** Adds the non-empty strings to {@code l}. */
    static List<String> parts(String... s) {
        List<String> l = new ArrayList<>(s.length);
        for (String x : s) {
            if (x != null && !x.isEmpty()) {
                l.add(x);
            }
        }
        return l;
    }

    /** The data source name, unless the type has one data source called {@code value} (collectd's AlwaysAppendDS false). */
    static String ds(CollectdValue v, boolean always) {
        return always || v.dsCount() > 1 || !v.dsName().equals("value") ? v.dsName() : "";
    }

    static String joined(String a, String b) {
        return b.isEmpty() ? a : a + "-" + b;
    }

    /** {@code plugin[-instance].type[-instance][.ds]}, as collectd's write_graphite names values. */
    static final class DefaultConverter implements CollectdConverter {
        private final boolean always;

        DefaultConverter(boolean always) {
            this.always = always;
        }

        @Override
        public String plugin() {
            return DEFAULT;
        }

        @Override
        public List<String> convert(CollectdValue v) {
            return parts(joined(v.plugin(), v.pluginInstance()), joined(v.type(), v.typeInstance()), ds(v, always));
        }
    }

    /** Converters for the plugins collectd loads most often; names as Bucky's where Bucky has one. */
    static final class Builtin implements CollectdConverter {
        interface Rule {
            List<String> apply(CollectdValue v, boolean always);
        }

        private final String plugin;
        private final Rule rule;
        private final boolean always;

        private Builtin(String plugin, boolean always, Rule rule) {
            this.plugin = plugin;
            this.rule = rule;
            this.always = always;
        }

        static List<CollectdConverter> all(boolean always) {
            return List.of(
                    // cpu.0.user (Bucky); with ValuesPercentage collectd sends type "percent": cpu.0.percent.user
                    new Builtin("cpu", always, (v, a) -> parts("cpu", v.pluginInstance(),
                            v.type().equals("cpu") ? "" : v.type(), v.typeInstance(), ds(v, a))),
                    // memory.used (Bucky); memory.percent.used with ValuesPercentage
                    new Builtin("memory", always, (v, a) -> parts("memory",
                            v.type().equals("memory") ? "" : v.type(), v.typeInstance(), ds(v, a))),
                    // load.shortterm, load.midterm, load.longterm
                    new Builtin("load", always, (v, a) -> parts("load", v.type().equals("load") ? "" : v.type(),
                            v.typeInstance(), v.dsName())),
                    // interface.eth0.if_octets.rx (Bucky)
                    new Builtin("interface", always, (v, a) -> parts("interface", v.pluginInstance(),
                            v.typeInstance(), v.type(), v.dsName())),
                    // df.root.df_complex.used, df.root.percent_bytes.free
                    new Builtin("df", always, (v, a) -> parts("df", v.pluginInstance(), v.type(), v.typeInstance(), ds(v, a))),
                    // disk.sda.disk_octets.read
                    new Builtin("disk", always, (v, a) -> parts("disk", v.pluginInstance(), v.type(), v.typeInstance(), ds(v, a))));
        }

        @Override
        public String plugin() {
            return plugin;
        }

        @Override
        public List<String> convert(CollectdValue v) {
            return rule.apply(v, always);
        }

        @Override
        public String toString() {
            return "built-in converter for " + plugin;
        }
    }
}
