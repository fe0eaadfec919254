package lodestar.instrument.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import lodestar.instrument.Counter;
import lodestar.instrument.Gauge;
import lodestar.instrument.Timer;

/**
 * The instruments of one {@code Instruments} and the background thread that sends what they recorded: every
 * {@code flushMillis} the counters' sums, the timers' queued durations and the gauges' latest readings. While the
 * transport has no receiver nothing is sent: counters keep summing, gauges keep their latest reading, durations
 * wait in the bounded queue, and what does not fit is counted as dropped.
 */
public final class Engine {

    /** Zibrato's default source. */
    public static final String NO_SOURCE = "not_specified";

    private final Transport transport;
    private final long flushNanos;
    private final long closeTimeoutMillis;
    private final EventQueue queue;
    private final LongAdder dropped = new LongAdder();
    private final Map<String, Object> byKey = new ConcurrentHashMap<>();
    /** by id; appended under the lock, read by the sender through the volatile array */
    private volatile Object[] byId = new Object[0];
    private final List<Instrument.CounterImpl> counters = new ArrayList<>();
    private final List<Instrument.GaugeImpl> gauges = new ArrayList<>();
    private volatile Instrument.CounterImpl[] counterArray = new Instrument.CounterImpl[0];
    private volatile Instrument.GaugeImpl[] gaugeArray = new Instrument.GaugeImpl[0];
    private final Thread sender;
    private volatile boolean closing;
    private final EventQueue.Sink sendTimer;
    private long now;

    public Engine(Transport transport, String name, int queueCapacity, long flushMillis, long closeTimeoutMillis) {
        this.transport = transport;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        this.closeTimeoutMillis = closeTimeoutMillis;
        this.queue = new EventQueue(queueCapacity);
        this.sendTimer = (id, nanos) -> {
            Instrument.TimerImpl t = (Instrument.TimerImpl) byId[id];
            if (!transport.timer(t.meta, nanos, now)) {
                dropped.increment();
            }
        };
        sender = new Thread(this::run, name);
        sender.setDaemon(true); // an application that forgets close() still exits
        sender.start();
    }

    /** Level, name and source as the wire can carry them: no separators, spaces or control characters. */
    static String clean(String s, String otherwise) {
        if (s == null || s.isEmpty()) {
            return otherwise;
        }
        StringBuilder b = null;
        int max = Math.min(s.length(), 255);
        for (int i = 0; i < max; i++) {
            char c = s.charAt(i);
            boolean bad = c <= ' ' || c == '|' || c == ',' || c == '#' || c == ':' || c == '@' || c == ';' || c == '='
                    || Character.isISOControl(c);
            if (bad && b == null) {
                b = new StringBuilder(s.substring(0, i));
            }
            if (b != null) {
                b.append(bad ? '_' : c);
            }
        }
        return b == null ? s.substring(0, max) : b.toString();
    }

    private synchronized Object instrument(Instrument.Type type, String level, String name, String source) {
        String l = clean(level, "info");
        String n = clean(name, "unnamed");
        String s = clean(source, NO_SOURCE);
        String key = type + "|" + l + "|" + n + "|" + s;
        Object existing = byKey.get(key);
        if (existing != null) {
            return existing;
        }
        Object[] ids = byId;
        Instrument meta = new Instrument(ids.length, type, l, n, s);
        Object made = switch (type) {
            case COUNTER -> new Instrument.CounterImpl(meta);
            case TIMER -> new Instrument.TimerImpl(meta, queue, dropped);
            case GAUGE -> new Instrument.GaugeImpl(meta);
        };
        Object[] grown = java.util.Arrays.copyOf(ids, ids.length + 1);
        grown[meta.id] = made;
        byId = grown;
        if (made instanceof Instrument.CounterImpl c) {
            counters.add(c);
            counterArray = counters.toArray(new Instrument.CounterImpl[0]);
        } else if (made instanceof Instrument.GaugeImpl g) {
            gauges.add(g);
            gaugeArray = gauges.toArray(new Instrument.GaugeImpl[0]);
        }
        byKey.put(key, made);
        return made;
    }

    public Counter counter(String level, String name, String source) {
        return (Counter) instrument(Instrument.Type.COUNTER, level, name, source);
    }

    public Timer timer(String level, String name, String source) {
        return (Timer) instrument(Instrument.Type.TIMER, level, name, source);
    }

    public Gauge gauge(String level, String name, String source) {
        return (Gauge) instrument(Instrument.Type.GAUGE, level, name, source);
    }

    public long dropped() {
        return dropped.sum();
    }

    /** Durations waiting to be sent. */
    public long queued() {
        return queue.size();
    }

    private void run() {
        try {
            while (!closing) {
                LockSupport.parkNanos(this, flushNanos);
                round();
            }
            // close(): what is queued goes out once a receiver is there, for at most closeTimeout
            long end = System.currentTimeMillis() + closeTimeoutMillis;
            transport.poll();
            while (!transport.ready() && System.currentTimeMillis() < end) {
                LockSupport.parkNanos(10_000_000L);
                transport.poll();
            }
            round();
            round(); // what was recorded during the last round
            if (!transport.ready()) {
                giveUp();
            }
        } catch (RuntimeException | Error e) {
            // the sender must not take the application down; what is left counts as dropped
            giveUp();
        } finally {
            transport.close();
        }
    }

    /** One send round; nothing is taken from the instruments while no receiver listens. */
    private void round() {
        transport.poll();
        dropped.add(transport.lost());
        if (!transport.ready()) {
            return;
        }
        now = System.currentTimeMillis() / 1000;
        for (Instrument.CounterImpl c : counterArray) {
            long n = c.take();
            if (n > 0 && !transport.counter(c.meta, n, now)) {
                c.giveBack(n); // the socket is full: it goes with the next round
            }
        }
        for (Instrument.GaugeImpl g : gaugeArray) {
            double v = g.take();
            if (!Double.isNaN(v) && !transport.gauge(g.meta, v, now)) {
                dropped.increment();
            }
        }
        queue.drain(sendTimer, queue.capacity());
        transport.endRound();
        dropped.add(transport.lost());
    }

    /** Counts what can no longer be sent as dropped. */
    private void giveUp() {
        for (Instrument.CounterImpl c : counterArray) {
            dropped.add(c.take());
        }
        dropped.add(queue.drain((id, v) -> { }, Integer.MAX_VALUE));
    }

    /** Sends what is recorded (waiting up to closeTimeout for a receiver), then stops the sender. Idempotent. */
    public void close() {
        closing = true;
        LockSupport.unpark(sender);
        try {
            sender.join(closeTimeoutMillis + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
