package lodestar.beacon.system.internal;

/** {@link SystemBeacon.Config} instances for tests, built as DS builds them. */
final class Configs {

    private Configs() {
    }

    static SystemBeacon.Config of(Object... keyValues) {
        return lodestar.testkit.Configs.of(SystemBeacon.Config.class, keyValues);
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
