package lodestar.beacon.system.internal;

import java.util.HashSet;
import java.util.Set;

import oshi.hardware.NetworkIF;

/**
 * Per network interface, {@code net.<iface>.}: {@code bytes_recv}, {@code bytes_sent},
 * {@code packets_recv}, {@code packets_sent}, {@code err_in}, {@code err_out}, {@code drop_in}, all
 * cumulative (kind COUNTER). Interfaces are listed with loopback and virtual ones included, so the
 * operator decides with {@code interfaceExclude}; interfaces that are down and have no address may not
 * be listed by the OS at all. The list is kept and refreshed (see {@link Discovered}).
 */
final class NetworkCollector implements Collector {

    private final Discovered<NetworkIF> interfaces;
    private final Exclusions interfaceExclude;

    NetworkCollector(Discovered<NetworkIF> interfaces, Exclusions interfaceExclude) {
        this.interfaces = interfaces;
        this.interfaceExclude = interfaceExclude;
    }

    @Override
    public String group() {
        return "network";
    }

    @Override
    public void collect(Out out) throws PartialFailure {
        Failures failures = new Failures("interfaces");
        Set<String> seen = new HashSet<>();
        Iterable<NetworkIF> list = interfaces.get();
        boolean fresh = interfaces.fresh();
        for (NetworkIF nic : list) {
            String raw = nic.getName();
            if (interfaceExclude.matches(raw)) {
                continue;
            }
            String name = Names.component(raw);
            if (!seen.add(name)) {
                continue;
            }
            failures.attempted();
            try {
                if (!fresh && !nic.updateAttributes()) {
                    interfaces.invalidate();
                    continue;
                }
                long bytesRecv = nic.getBytesRecv();
                long bytesSent = nic.getBytesSent();
                long packetsRecv = nic.getPacketsRecv();
                long packetsSent = nic.getPacketsSent();
                long errIn = nic.getInErrors();
                long errOut = nic.getOutErrors();
                long dropIn = nic.getInDrops();
                String p = "net." + name + ".";
                out.counter(p + "bytes_recv", bytesRecv);
                out.counter(p + "bytes_sent", bytesSent);
                out.counter(p + "packets_recv", packetsRecv);
                out.counter(p + "packets_sent", packetsSent);
                out.counter(p + "err_in", errIn);
                out.counter(p + "err_out", errOut);
                out.counter(p + "drop_in", dropIn);
            } catch (RuntimeException e) {
                failures.failed(raw, e);
            }
        }
        failures.throwIfAny();
    }
}
