package lodestar.listener.zeromq.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/**
 * The reproduction of JeroMQ 0.6.0's deaf new connections (see ZeromqListener's constructor and the README): counts
 * fresh connections whose first message takes over 1 s, and prints the sockets' pipes, sessions and engines (by
 * reflection) when one stalls: the connecting side's engine still handshaking with its 10-byte greeting unsent
 * (outsize=10), the bound side's engine waiting for it. Takes up to 90 s of loopback traffic, so it runs only when
 * asked: {@code mvn test -pl bundles/lodestar.listener.zeromq -Dtest=FirstConnectionRepro -Dzeromq.repro=true}.
 */
@EnabledIfSystemProperty(named = "zeromq.repro", matches = "true")
class FirstConnectionRepro {

    private static ZeromqListener start(CapturingPipeline p, int i, Object... kv) {
        List<Object> all = new ArrayList<>(List.of("port", 0, "flushInterval", "1h"));
        all.addAll(List.of(kv));
        return new ZeromqListener(Configs.of(ZeromqListener.Config.class, all.toArray()), p,
                Map.of("service.pid", "lodestar.listener.zeromq~repro" + i));
    }


    static Object field(Object o, String name) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // up
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalArgumentException(name + " in " + o.getClass());
    }

    static String pipe(Object p) {
        if (p == null) {
            return "null";
        }
        return "Pipe{in=" + field(p, "inActive") + ",out=" + field(p, "outActive") + ",state=" + field(p, "state") + ",read="
                + field(p, "msgsRead") + ",written=" + field(p, "msgsWritten") + ",peersRead=" + field(p, "peersMsgsRead")
                + ",hwm=" + field(p, "hwm") + ",sink=" + field(p, "sink").getClass().getSimpleName() + "}";
    }

    static String session(Object socketPipe) {
        Object peer = field(socketPipe, "peer");
        if (peer == null) {
            return "no peer";
        }
        Object session = field(peer, "sink");
        StringBuilder b = new StringBuilder("session-side " + pipe(peer) + " session " + session.getClass().getSimpleName());
        Object engine = field(session, "engine");
        if (engine == null) {
            return b.append(" engine=null").toString();
        }
        b.append(" engine{");
        for (String f : new String[] {"handshaking", "plugged", "ioError", "inputStopped", "outputStopped", "outsize", "insize",
            "zmtpVersion", "hasHandshakeTimer", "subscriptionRequired"}) {
            try {
                b.append(f).append('=').append(field(engine, f)).append(',');
            } catch (RuntimeException e) {
                b.append(f).append("?,");
            }
        }
        Object m = field(engine, "mechanism");
        b.append("mechanism=").append(m == null ? null : m.getClass().getSimpleName() + ":" + invoke(m, "status"));
        b.append(",nextMsg=").append(nextName(engine, field(engine, "nextMsg")));
        b.append(",processMsg=").append(nextName(engine, field(engine, "processMsg")));
        b.append("} ").append(registration(engine));
        return b.toString();
    }

    /** whether the engine's channel is registered, with the engine's handle, in its I/O thread's selector */
    static String registration(Object engine) {
        Object handle = field(engine, "handle");
        if (handle == null) {
            return "handle=null";
        }
        java.nio.channels.SelectableChannel fd = (java.nio.channels.SelectableChannel) field(handle, "fd");
        java.nio.channels.Selector selector = (java.nio.channels.Selector) field(field(field(engine, "ioObject"), "poller"), "selector");
        java.nio.channels.SelectionKey key = fd.keyFor(selector);
        return "selector key " + (key == null ? "none" : (key.isValid() ? "valid" : "CANCELLED") + ", attached to "
                + (key.attachment() == handle ? "the engine's handle" : "ANOTHER handle (" + key.attachment() + ")"))
                + ", handle ops " + field(handle, "ops") + " cancelled " + field(handle, "cancelled");
    }

    static String nextName(Object engine, Object fn) {
        for (Class<?> c = engine.getClass(); c != null; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getName().equals("nextMsg") || f.getName().equals("processMsg")) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    if (f.get(engine) == fn) {
                        return f.getName();
                    }
                } catch (RuntimeException | IllegalAccessException e) {
                    // skip
                }
            }
        }
        return String.valueOf(fn);
    }

    static Object invoke(Object o, String method) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Method m = c.getDeclaredMethod(method);
                m.setAccessible(true);
                return m.invoke(o);
            } catch (NoSuchMethodException e) {
                // up
            } catch (ReflectiveOperationException e) {
                return e;
            }
        }
        return "?";
    }

    static String mtrie(Object t, String prefix, int depth) {
        if (t == null || depth > 20) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        Object pipes = field(t, "pipes");
        if (pipes != null && !((java.util.Set<?>) pipes).isEmpty()) {
            b.append(" [").append(prefix).append("]x").append(((java.util.Set<?>) pipes).size());
        }
        int min = (Integer) field(t, "min");
        int count = (Integer) field(t, "count");
        Object next = field(t, "next");
        if (next != null) {
            Object[] n = (Object[]) next;
            for (int i = 0; i < n.length; i++) {
                b.append(mtrie(n[i], prefix + (char) (min + i), depth + 1));
            }
        }
        return b.toString() + (depth == 0 ? " (count " + count + ")" : "");
    }

    static String socket(ZMQ.Socket s) {
        Object base = s.base();
        StringBuilder b = new StringBuilder(base.getClass().getSimpleName());
        try {
            Object dist = field(base, "dist");
            b.append(" dist{pipes=").append(((List<?>) field(dist, "pipes")).size()).append(",matching=").append(field(dist, "matching"))
                    .append(",active=").append(field(dist, "active")).append(",eligible=").append(field(dist, "eligible")).append("}");
            for (Object p : (List<?>) field(dist, "pipes")) {
                b.append(" ").append(pipe(p)).append("\n      ").append(session(p));
            }
        } catch (IllegalArgumentException e) {
            // none
        }
        try {
            Object fq = field(base, "fq");
            b.append(" fq{pipes=").append(((List<?>) field(fq, "pipes")).size()).append(",active=").append(field(fq, "active")).append("}");
            for (Object p : (List<?>) field(fq, "pipes")) {
                b.append(" ").append(pipe(p));
            }
        } catch (IllegalArgumentException e) {
            // none
        }
        try {
            b.append(" subs:").append(mtrie(field(base, "subscriptions"), "", 0));
        } catch (RuntimeException e) {
            b.append(" subs?").append(e);
        }
        b.append(" mailbox=").append(field(base, "mailbox"));
        return b.toString();
    }

    /** the first message through a fresh connection, or -1 after 10 s; the socket state is printed at 1 s */
    private static long firstArrivalMillis(ZMQ.Socket pub, String marker, LongSupplier arrived, Supplier<String> state)
            throws InterruptedException {
        long before = arrived.getAsLong();
        long t0 = System.nanoTime();
        boolean dumped = false;
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            pub.send(marker);
            if (arrived.getAsLong() > before) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if (!dumped && System.nanoTime() - t0 > 1_000_000_000L) {
                System.out.println("REPRO stalled 1 s: " + state.get());
                dumped = true;
            }
            Thread.sleep(5);
        }
        return -1;
    }

    private static String report(String what, List<Long> millis, String more) {
        long stalled = millis.stream().filter(m -> m < 0 || m > 1000).count();
        long lost = millis.stream().filter(m -> m < 0).count();
        long worst = millis.stream().mapToLong(m -> m < 0 ? Long.MAX_VALUE : m).max().orElse(0);
        return "REPRO " + what + ": " + millis.size() + " fresh connections, " + stalled + " stalled over 1 s, " + lost
                + " with nothing in 10 s, slowest " + (worst == Long.MAX_VALUE ? "never" : worst + " ms") + more;
    }

    /**
     * JeroMQ PUB publishers connecting to the broker's bound SUB; {@code -Dzeromq.repro.clientHandshake=ms} sets their
     * ZMQ_HANDSHAKE_IVL (JeroMQ's default: 30 s).
     */
    @Test
    void publishers() throws Exception {
        CapturingPipeline p = new CapturingPipeline();
        int handshake = Integer.getInteger("zeromq.repro.clientHandshake", 0);
        long deadline = System.nanoTime() + 45_000_000_000L;
        List<Long> millis = new ArrayList<>();
        for (int b = 0; b < 30 && System.nanoTime() < deadline; b++) {
            ZeromqListener broker = start(p, b);
            try (ZContext peers = new ZContext(1)) {
                for (int k = 0; k < 10 && System.nanoTime() < deadline; k++) {
                    ZMQ.Socket pub = peers.createSocket(SocketType.PUB);
                    if (handshake > 0) {
                        pub.setHandshakeIvl(handshake);
                    }
                    pub.connect("tcp://127.0.0.1:" + broker.lowerPort());
                    millis.add(firstArrivalMillis(pub, "info|Counter|x|1", () -> broker.status().counters().get("packets"),
                            () -> "\n  publisher " + socket(pub) + "\n  broker sub " + socket((ZMQ.Socket) field(broker, "sub"))));
                    pub.close();
                }
            }
            broker.deactivate();
        }
        System.out.println(report("JeroMQ publishers (handshake " + (handshake > 0 ? handshake + " ms" : "default") + ")", millis, ""));
    }

    /** Lodestar workers (subscriber mode, the product's settings; {@code -Dzeromq.repro.handshakeTimeout=30s}) of a broker. */
    @Test
    void workers() throws Exception {
        CapturingPipeline p = new CapturingPipeline();
        String handshake = System.getProperty("zeromq.repro.handshakeTimeout", "5s");
        long deadline = System.nanoTime() + 45_000_000_000L;
        List<Long> millis = new ArrayList<>();
        long failures = 0;
        ZeromqListener broker = start(p, 999);
        try (ZContext peers = new ZContext(1)) {
            ZMQ.Socket pub = peers.createSocket(SocketType.PUB);
            pub.setHandshakeIvl(1000);
            pub.connect("tcp://127.0.0.1:" + broker.lowerPort());
            while (broker.status().counters().get("packets") == 0) {
                pub.send("debug|Counter|x|1");
                Thread.sleep(5);
            }
            for (int w = 0; w < 300 && System.nanoTime() < deadline; w++) {
                ZeromqListener worker = start(p, w, "connect", new String[] {"tcp://127.0.0.1:" + broker.upperPort()},
                        "levels", new String[] {"info,critical"}, "handshakeTimeout", handshake);
                millis.add(firstArrivalMillis(pub, "info|Counter|x|1", () -> worker.status().counters().get("packets"),
                        () -> "\n  broker pub " + socket((ZMQ.Socket) field(broker, "pub")) + "\n  worker sub "
                                + socket((ZMQ.Socket) field(worker, "sub"))));
                Thread.sleep(250); // the receiver reads connection events every 200 ms
                failures += worker.status().counters().get("handshake_failures");
                worker.deactivate();
            }
        }
        broker.deactivate();
        System.out.println(report("Lodestar workers (handshakeTimeout " + handshake + ")", millis, ", handshake_failures " + failures));
    }
}
