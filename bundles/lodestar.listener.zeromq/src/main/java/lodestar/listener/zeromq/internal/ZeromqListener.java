package lodestar.listener.zeromq.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.config.InstanceNames;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;

/**
 * Zibrato's ZeroMQ broker, and its level workers. Broker mode binds SUB on {@code port} (publishers connect there)
 * and PUB on {@code port + 1}, forwards every message unchanged so that existing Zibrato workers keep working, and
 * feeds each measurement into the {@link Pipeline} with tags {@code level} and {@code source}. Subscriber mode
 * ({@code connect}) is a Zibrato worker instead: it connects SUB to another broker's upper port and subscribes to
 * {@code levels}. Either way counters and timers are aggregated per {@code flushInterval}, gauges go on as they
 * come. A configuration change recreates the component (DS): the last window is flushed first.
 */
@Component(name = ZeromqListener.PID, configurationPid = ZeromqListener.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Monitored.class, immediate = true)
@Designate(ocd = ZeromqListener.Config.class, factory = true)
public final class ZeromqListener implements Monitored {

    static final String PID = "lodestar.listener.zeromq";

    private static final Logger LOG = LoggerFactory.getLogger(ZeromqListener.class);
    /** how often the receiver looks up from an idle socket to see whether it is being stopped */
    private static final int POLL_MILLIS = 200;

    @ObjectClassDefinition(name = "Lodestar ZeroMQ listener",
            description = "Zibrato's ZeroMQ wire (level|mtype|name|value|timestamp|source): a broker that forwards to Zibrato"
                    + " workers and feeds the pipeline, or (connect) a worker subscribed to another broker's levels.")
    public @interface Config {

        @AttributeDefinition(description = "Broker mode: address to bind both ports on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "Broker mode: the lower port, where publishers connect (SUB); the broker publishes"
                + " on port + 1 (PUB) for Zibrato workers. 0: any free ports (tests).")
        int port() default 5550;

        @AttributeDefinition(description = "Broker mode: forward every message unchanged on the upper port.")
        boolean forward() default true;

        @AttributeDefinition(description = "Subscriber mode: a broker's upper (PUB) endpoint, tcp://host:5551 (several: comma"
                + " separated). When set, nothing is bound: this listener is a Zibrato worker of that broker.")
        String[] connect() default {};

        @AttributeDefinition(description = "Subscriber mode: the levels subscribed to, comma separated (info,warning); empty: every level.")
        String[] levels() default {};

        @AttributeDefinition(description = "Subscriber mode: how long a new connection to a broker may take to complete the ZeroMQ"
                + " handshake (a duration: 5s) before it is dropped and made again (handshake_failures).")
        String handshakeTimeout() default "5s";

        @AttributeDefinition(description = "Aggregation window of counters and timers (a duration: 10s); a Zibrato worker's flush.")
        String flushInterval() default "10s";

        @AttributeDefinition(description = "Timer percentiles, comma separated, as StatsD's percentThreshold (90 gives upper_90, mean_90 ...).")
        String[] percentThreshold() default {"90"};

        @AttributeDefinition(description = "Messages queued from publishers before ZeroMQ drops more (receive high-water mark).")
        int receiveHwm() default 100000;

        @AttributeDefinition(description = "Messages queued for each slow Zibrato worker before ZeroMQ drops more for it (send high-water mark).")
        int sendHwm() default 100000;

        @AttributeDefinition(description = "Largest message accepted (a size: 4KB); a peer sending a larger one is disconnected by ZeroMQ.")
        String maxMessageSize() default "4KB";

        @AttributeDefinition(description = "Timer values kept per series and window for the statistics; beyond them values are"
                + " still counted (count) but not kept (timer_values_dropped).")
        int maxTimerValues() default 10000;

        @AttributeDefinition(description = "Timer values kept per window, all series together (8 bytes each: 1000000 is 8 MB);"
                + " beyond them values are still counted but not kept (timer_values_dropped).")
        int maxWindowValues() default 1000000;

        @AttributeDefinition(description = "Most series (name, level, source, type) held in one window; a measurement of one more is"
                + " refused (series_refused) or folded into zeromq.overflow.")
        int maxSeries() default 100000;

        @AttributeDefinition(description = "Most new series taken per newSeriesInterval (0: no such limit).")
        int maxNewSeries() default 20000;

        @AttributeDefinition(description = "The window maxNewSeries counts in (a duration: 1m).")
        String newSeriesInterval() default "1m";

        @AttributeDefinition(description = "What becomes of a refused series' values: drop, or fold into zeromq.overflow.",
                options = {@Option(label = "drop", value = "drop"), @Option(label = "fold", value = "fold")})
        String seriesOverflow() default "drop";
    }

    private final String name;
    private final Settings settings;
    private final Pipeline pipeline;
    private final CardinalityGuard guard;
    private final Window window;
    private final ListenerHealth health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final LongAdder messages = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder forwardDrops = new LongAdder();
    private final LongAdder badInput = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private final LongAdder handshakeFailures = new LongAdder();
    private final RateLimitedLog handshakeLog = new RateLimitedLog(60_000, LOG::warn);
    private final ZContext context;
    private final ZMQ.Socket sub;
    private final ZMQ.Socket pub;
    /** subscriber mode: the events of sub's connections (read by the receiver thread only); null in broker mode */
    private final ZMQ.Socket monitor;
    /** subscriber mode: endpoints whose connection is up but not handshaken yet (receiver thread only) */
    private final Set<String> handshaking = new HashSet<>();
    private final int lowerPort;
    private final int upperPort;
    private final Thread receiver;
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;

    @Activate
    public ZeromqListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        this.settings = Settings.from(config);
        this.name = InstanceNames.of("zeromq", props);
        this.pipeline = pipeline;
        this.guard = new CardinalityGuard(name, settings.cardinality(), LOG::warn);
        this.window = new Window(guard, settings.maxTimerValues(), settings.maxWindowValues(), settings.percentiles());
        Settings s = settings;
        this.context = new ZContext(1);
        try {
            sub = context.createSocket(SocketType.SUB);
            sub.setRcvHWM(s.receiveHwm());
            sub.setMaxMsgSize(s.maxMessageSize());
            sub.setReceiveTimeOut(POLL_MILLIS);
            sub.setLinger(0);
            if (s.subscriber()) {
                // JeroMQ 0.6.0 leaves a few per cent of new outgoing connections deaf (README): zmq.poll.Poller.run() retires
                // the connecter's selection key and registers the engine's handle, same channel, in one pass; the
                // cancelled key is not deregistered before the next select, so keyFor() still returns it, invalid,
                // and the engine's handle is never registered. Nothing is sent or read on that connection (no
                // greeting, so the broker never gets our subscription) until the handshake timer drops it and
                // the session reconnects: 30 s by default, every fresh connection (first or reconnection) being
                // another throw of the dice. A short handshake timer bounds that; the monitor counts and logs it.
                sub.setHandshakeIvl((int) s.handshakeMillis());
                String monitorAt = "inproc://lodestar-zeromq-monitor-" + System.identityHashCode(this);
                sub.monitor(monitorAt, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.EVENT_DISCONNECTED);
                monitor = context.createSocket(SocketType.PAIR);
                monitor.connect(monitorAt);
                if (s.levels().isEmpty()) {
                    sub.subscribe(ZMQ.SUBSCRIPTION_ALL);
                } else {
                    // the level and its separator: "info|" does not take a level "information"
                    for (String level : s.levels()) {
                        sub.subscribe((level + "|").getBytes(StandardCharsets.UTF_8));
                    }
                }
                for (String endpoint : s.connect()) {
                    sub.connect(endpoint);
                }
                pub = null;
                lowerPort = -1;
                upperPort = -1;
            } else {
                monitor = null; // bound sockets accept: a fresh channel each time, which that race does not reach
                sub.setIPv6(s.bind().contains(":"));
                sub.subscribe(ZMQ.SUBSCRIPTION_ALL);
                lowerPort = bind(sub, s, s.port());
                if (s.forward()) {
                    pub = context.createSocket(SocketType.PUB);
                    pub.setIPv6(s.bind().contains(":"));
                    pub.setSndHWM(s.sendHwm());
                    pub.setLinger(0);
                    upperPort = bind(pub, s, s.port() == 0 ? 0 : s.port() + 1);
                } else {
                    pub = null;
                    upperPort = -1;
                }
            }
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar-" + name + "-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleAtFixedRate(this::flush, s.flushMillis(), s.flushMillis(), TimeUnit.MILLISECONDS);
        receiver = new Thread(this::receive, "lodestar-" + name + "-receiver");
        receiver.setDaemon(true);
        receiver.start();
        if (s.subscriber()) {
            LOG.info("zeromq listener {}: subscribed to {} at {}", name, s.levels().isEmpty() ? "every level" : s.levels(), s.connect());
        } else {
            LOG.info("zeromq listener {}: broker on {}:{} (publishers) and {} (workers)", name, s.bind(), lowerPort,
                    upperPort < 0 ? "no forwarding" : s.bind() + ":" + upperPort);
        }
    }

    private static int bind(ZMQ.Socket socket, Settings s, int port) {
        String endpoint = s.endpoint(port);
        try {
            socket.bind(endpoint);
        } catch (ZMQException | IllegalArgumentException e) {
            throw new IllegalArgumentException("port: cannot bind " + endpoint + ": " + e.getMessage(), e);
        }
        String last = socket.getLastEndpoint();
        return Integer.parseInt(last.substring(last.lastIndexOf(':') + 1));
    }

    /**
     * The receiver thread: forwards, decodes and records every message until the component stops; then it stops
     * taking connections and takes what its publishers had already sent, so that a stop loses as little as it can.
     */
    private void receive() {
        receiveUntilClosed();
        if (lowerPort >= 0) {
            try {
                sub.unbind(sub.getLastEndpoint()); // publishers see the connection close now, and stop sending
                sub.setReceiveTimeOut(50);
                long end = System.nanoTime() + 2_000_000_000L;
                for (byte[] m; System.nanoTime() < end && (m = sub.recv(0)) != null; ) {
                    take(m);
                }
            } catch (ZMQException e) {
                // stopping anyway
            }
        }
    }

    private void receiveUntilClosed() {
        long nextEvents = System.nanoTime();
        while (!closed) {
            if (monitor != null && System.nanoTime() - nextEvents >= 0) {
                connectionEvents();
                nextEvents = System.nanoTime() + POLL_MILLIS * 1_000_000L;
            }
            byte[] m;
            try {
                m = sub.recv(0);
            } catch (ZMQException e) {
                if (closed) {
                    return;
                }
                // a socket error is not the end of the broker: count it, say it, keep receiving
                health.error("receive failed: " + e.getMessage());
                pause();
                continue;
            }
            if (m == null) {
                continue; // the poll timeout: look at closed again
            }
            take(m);
        }
    }

    /**
     * Subscriber mode: a connection that goes down before its ZeroMQ handshake completed was dropped by the
     * handshake timer (or refused by the peer); the session connects again by itself. Counted and logged, since a
     * broker that keeps doing it, or JeroMQ's poller race (see the constructor), is worth knowing about.
     */
    private void connectionEvents() {
        try {
            for (ZMQ.Event e; (e = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null; ) {
                String at = e.getAddress();
                if (e.getEvent() == ZMQ.EVENT_CONNECTED) {
                    handshaking.add(at);
                } else if (e.getEvent() == ZMQ.EVENT_HANDSHAKE_PROTOCOL) {
                    handshaking.remove(at);
                } else if (e.getEvent() == ZMQ.EVENT_DISCONNECTED && handshaking.remove(at)) {
                    handshakeFailures.increment();
                    handshakeLog.log(() -> "zeromq listener " + name + ": the connection to " + at + " closed before its ZeroMQ"
                            + " handshake completed (handshakeTimeout " + settings.handshakeMillis() + " ms); connecting again ("
                            + handshakeFailures.sum() + " so far)");
                }
            }
        } catch (ZMQException e) {
            if (!closed) {
                health.error("connection events: " + e.getMessage());
            }
        }
    }

    private void take(byte[] m) {
        messages.increment();
        if (pub != null) {
            // PUB never blocks: at sendHwm a slow worker's messages are dropped by ZeroMQ, as Zibrato's broker does
            if (pub.send(m, ZMQ.DONTWAIT)) {
                forwarded.increment();
            } else {
                forwardDrops.increment();
            }
        }
        handle(m);
    }

    /** Decodes and records one message; never throws (the receiver must not die of a message). */
    void handle(byte[] m) {
        try {
            Measurement x = Measurement.parse(m);
            if (settings.subscriber() && !settings.levels().isEmpty() && !settings.levels().contains(x.level())) {
                return; // the subscription is a prefix: a message of another level that starts with one of ours
            }
            Window.Key k = window.record(x);
            if (k != null && x.type() == Measurement.Type.GAUGE) {
                pipeline.emit(new Sample(k.name(), k.tags(), x.value(), System.currentTimeMillis(), Kind.GAUGE));
                samples.increment();
            }
        } catch (Measurement.Malformed e) {
            badInput.increment();
            badLog.log(() -> "zeromq listener " + name + ": malformed message '" + LogText.of(m, 0, m.length) + "': " + e.getMessage());
        } catch (RuntimeException e) {
            badInput.increment();
            badLog.log(() -> "zeromq listener " + name + ": message '" + LogText.of(m, 0, m.length) + "' failed: " + e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reports the window: counters and timers of the last flushInterval. */
    void flush() {
        try {
            List<Sample> out = window.drain(settings.flushMillis() / 1000.0, System.currentTimeMillis());
            if (!out.isEmpty()) {
                samples.add(out.size());
                pipeline.emitAll(out);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep the schedule
            health.error("flush failed: " + e);
            LOG.warn("zeromq flush failed", e);
        }
    }

    /** Stops receiving, then reports the last window so that it is not lost. */
    @Deactivate
    void deactivate() {
        closed = true;
        flusher.shutdownNow();
        try {
            receiver.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
        flush();
        LOG.info("zeromq listener {}: stopped", name);
    }

    /** The lower (publishers') port in use; -1 in subscriber mode. */
    int lowerPort() {
        return lowerPort;
    }

    /** The upper (workers') port in use; -1 in subscriber mode or without forwarding. */
    int upperPort() {
        return upperPort;
    }

    /**
     * The counters every listener shows ({@code packets} = messages received), then {@code forwarded} (messages
     * published on the upper port), {@code forward_drops} (refused by the PUB socket), {@code timer_values_dropped}
     * and the cardinality guard's {@code series} (a gauge), {@code series_created}, {@code series_refused}; in
     * subscriber mode {@code handshake_failures} (connections dropped before their ZeroMQ handshake completed).
     */
    @Override
    public ComponentStatus status() {
        ListenerStatus st = new ListenerStatus(name, health)
                .packets(messages.sum())
                .samples(samples.sum())
                .badInput(badInput.sum())
                .counter("forwarded", forwarded.sum())
                .counter("forward_drops", forwardDrops.sum())
                .counter("timer_values_dropped", window.timerValuesDropped());
        if (lowerPort >= 0) {
            st.port(lowerPort);
        }
        if (monitor != null) {
            st.counter("handshake_failures", handshakeFailures.sum());
        }
        guard.counters(st::gauge, st::counter);
        return st.degraded(guard.tripping(), CardinalityGuard.DETAIL).stopped(closed, "stopped").build();
    }
}
