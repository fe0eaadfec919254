package lodestar.support.net;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import lodestar.api.ComponentStatus;
import lodestar.api.State;

/**
 * A listener's status, built the same way by every listener (docs/CONVENTIONS.md, "Listeners"): first the
 * counters all listeners share, each with one meaning and always in this order, as far as the listener has
 * them ({@code packets, samples, bad_input, queue_drops, kernel_drops, connections, open_connections,
 * refused_connections, replaced_connections, idle_timeouts, buffer_evictions, buffered_bytes, accept_errors,
 * restarts, port}); then the protocol's own, in the order given. The state
 * is {@code STOPPED} once closed, {@code FAILED} while a receiver is down (detail {@code receiver-failed}, its
 * reason as the last error), {@code DEGRADED} while accepting TCP connections fails (detail
 * {@code accept-failing}) or when the listener says so, else {@code OK}. Not thread-safe: one
 * per {@code status()} call.
 */
public final class ListenerStatus {

    public static final String PACKETS = "packets";
    public static final String SAMPLES = "samples";
    public static final String BAD_INPUT = "bad_input";
    public static final String QUEUE_DROPS = "queue_drops";
    public static final String KERNEL_DROPS = "kernel_drops";
    public static final String CONNECTIONS = "connections";
    public static final String OPEN_CONNECTIONS = "open_connections";
    public static final String REFUSED_CONNECTIONS = "refused_connections";
    public static final String REPLACED_CONNECTIONS = "replaced_connections";
    public static final String IDLE_TIMEOUTS = "idle_timeouts";
    public static final String BUFFER_EVICTIONS = "buffer_evictions";
    public static final String BUFFERED_BYTES = "buffered_bytes";
    public static final String ACCEPT_ERRORS = "accept_errors";
    public static final String RESTARTS = "restarts";
    public static final String PORT = "port";
    /** The detail of the {@code FAILED} state while a receiver is down. */
    public static final String RECEIVER_FAILED = "receiver-failed";
    /** The detail of the {@code DEGRADED} state while accepting TCP connections fails (too many open files). */
    public static final String ACCEPT_FAILING = "accept-failing";

    private static final String[] COMMON = {PACKETS, SAMPLES, BAD_INPUT, QUEUE_DROPS, KERNEL_DROPS, CONNECTIONS,
        OPEN_CONNECTIONS, REFUSED_CONNECTIONS, REPLACED_CONNECTIONS, IDLE_TIMEOUTS, BUFFER_EVICTIONS, BUFFERED_BYTES,
        ACCEPT_ERRORS, RESTARTS, PORT};

    private final String name;
    private final ListenerHealth health;
    private final Map<String, Long> common = new LinkedHashMap<>();
    private final Map<String, Long> own = new LinkedHashMap<>();
    private final Set<String> gauges = new HashSet<>(Set.of(OPEN_CONNECTIONS, BUFFERED_BYTES, PORT));
    private String stopped;
    private String degraded;

    /**
     * @param name   the listener's name ({@code statsd}, {@code graphite-edge})
     * @param health its receivers' health: {@code restarts}, failed inputs (added to {@code bad_input}), state
     */
    public ListenerStatus(String name, ListenerHealth health) {
        this.name = name;
        this.health = health;
    }

    /** Datagrams (UDP) or reads (TCP) the listener took in. */
    public ListenerStatus packets(long n) {
        common.put(PACKETS, n);
        return this;
    }

    /** Samples handed to the pipeline. */
    public ListenerStatus samples(long n) {
        common.put(SAMPLES, n);
        return this;
    }

    /** Inputs refused as malformed (lines, values, packets, commands, messages: the protocol's unit). */
    public ListenerStatus badInput(long n) {
        common.put(BAD_INPUT, n);
        return this;
    }

    /** Input dropped because processing fell behind (the protocol's unit). */
    public ListenerStatus queueDrops(long n) {
        common.put(QUEUE_DROPS, n);
        return this;
    }

    /** Datagrams the kernel dropped for the listener's UDP sockets. */
    public ListenerStatus kernelDrops(UdpSockets udp) {
        common.put(KERNEL_DROPS, udp.kernelDrops());
        return this;
    }

    /**
     * {@code connections}, {@code open_connections} (a gauge), {@code refused_connections},
     * {@code replaced_connections}, {@code idle_timeouts}, {@code buffer_evictions}, {@code buffered_bytes} (a
     * gauge), {@code accept_errors}.
     */
    public ListenerStatus tcp(TcpConnections c) {
        common.put(CONNECTIONS, c.accepted());
        common.put(OPEN_CONNECTIONS, (long) c.open());
        common.put(REFUSED_CONNECTIONS, c.refused());
        common.put(REPLACED_CONNECTIONS, c.replaced());
        common.put(IDLE_TIMEOUTS, c.idleTimeouts());
        common.put(BUFFER_EVICTIONS, c.evicted());
        common.put(BUFFERED_BYTES, c.buffered());
        common.put(ACCEPT_ERRORS, c.acceptErrors());
        degraded(c.acceptFailing(), ACCEPT_FAILING);
        return this;
    }

    /** The bound port (useful with port 0), or -1 while there is none. */
    public ListenerStatus port(int port) {
        common.put(PORT, (long) port);
        return this;
    }

    /** One of the protocol's own running totals. */
    public ListenerStatus counter(String counter, long n) {
        own.put(counter, n);
        return this;
    }

    /** One of the protocol's own levels (series held, bytes queued now). */
    public ListenerStatus gauge(String gauge, long n) {
        own.put(gauge, n);
        gauges.add(gauge);
        return this;
    }

    /** Closed on purpose when {@code closed}; {@code detail} is the listener's word for it. */
    public ListenerStatus stopped(boolean closed, String detail) {
        stopped = closed ? detail : null;
        return this;
    }

    /**
     * Working but not fully when {@code degraded} (datagrams lost in the last window, connections not accepted);
     * {@code detail} says how. When several reasons hold, the first one given is shown.
     */
    public ListenerStatus degraded(boolean isDegraded, String detail) {
        if (isDegraded && degraded == null) {
            degraded = detail;
        }
        return this;
    }

    public ComponentStatus build() {
        common.put(RESTARTS, health.restarts());
        if (common.containsKey(BAD_INPUT)) {
            common.put(BAD_INPUT, common.get(BAD_INPUT) + health.failedInputs());
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String c : COMMON) {
            Long v = common.get(c);
            if (v != null) {
                counters.put(c, v);
            }
        }
        own.forEach(counters::putIfAbsent);
        String failure = health.failure();
        State state;
        String detail;
        if (stopped != null) {
            state = State.STOPPED;
            detail = stopped;
        } else if (failure != null) {
            state = State.FAILED;
            detail = RECEIVER_FAILED;
        } else if (degraded != null) {
            state = State.DEGRADED;
            detail = degraded;
        } else {
            state = State.OK;
            detail = null;
        }
        gauges.retainAll(counters.keySet());
        return new ComponentStatus("listener", name, state, detail, counters, gauges, failure != null && stopped == null ? failure
                : health.lastError());
    }
}
