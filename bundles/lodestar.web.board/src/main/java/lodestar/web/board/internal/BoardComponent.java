package lodestar.web.board.internal;

import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;

import lodestar.api.Check;
import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.State;
import lodestar.support.config.Units;
import lodestar.support.log.RateLimitedLog;

/**
 * The status board at {@code /board}: polls every {@link Check} (every {@code pollInterval}) and the running parts'
 * states ({@link Pipeline#status()}), keeps a short history per tile, and pushes what changed to every open page
 * by server-sent events. Read-only, in the {@code lodestar.view} context of lodestar.runtime (no login on a
 * loopback-bound port, the viewer's credential otherwise).
 */
@Component(name = BoardComponent.PID, service = Monitored.class, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = BoardComponent.Config.class)
@RequireHttpWhiteboard
public final class BoardComponent implements Monitored {

    static final String PID = "lodestar.web.board";
    /** The viewer context of lodestar.runtime that every read-only page selects. */
    static final String CONTEXT_SELECT = "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=lodestar.view)";
    /** Running parts' states are read at most this often (each look asks every part). */
    static final long COMPONENT_POLL_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(BoardComponent.class);

    @ObjectClassDefinition(name = "Lodestar status board",
            description = "The wall-screen board at /board: a tile per check and per running part, live. "
                    + "See lodestar.web.board's README.")
    public @interface Config {
        @AttributeDefinition(name = "Title", description = "The board's heading (1 to 200 characters).")
        String title() default "Lodestar";

        @AttributeDefinition(name = "Group order", required = false,
                description = "Groups shown first, in this order (a check's group is its 'group' property, default "
                        + "Checks; running parts are in Listeners, Sinks, Beacons, Platform). Others follow: check "
                        + "groups alphabetically, then the running parts'.")
        String[] groups() default {};

        @AttributeDefinition(name = "Poll interval", description = "How often every check's latest result is read "
                + "(50ms to 10s). Each new result is recorded, so a state shorter than a check's interval shows.")
        String pollInterval() default "250ms";

        @AttributeDefinition(name = "History length",
                description = "Recent states kept per tile (1 to 1000): each run of one status is one cell of the strip.")
        int historyLength() default 30;

        @AttributeDefinition(name = "Maximum open boards",
                description = "Live connections (/board/events) at most; more are answered 503 and retry.")
        int maxClients() default 64;

        @AttributeDefinition(name = "Heartbeat", description = "An event to every open board this often (1s to 1m): "
                + "keeps proxies from closing quiet connections and finds dead ones.")
        String heartbeat() default "10s";

        @AttributeDefinition(name = "Buffer per board", description = "Events that may wait for one slow board "
                + "(16KB to 64MB); when full, that board is disconnected (it reconnects and gets the whole board).")
        String clientBuffer() default "256KB";

        @AttributeDefinition(name = "Show running parts",
                description = "Also show a tile per listener, sink, beacon and platform part (their state).")
        boolean showComponents() default true;
    }

    private final Board board;
    private final SseHub hub;
    private final ScheduledExecutorService scheduler;
    private final ServiceRegistration<Servlet> registration;
    private final RateLimitedLog log = new RateLimitedLog(10_000, LOG::warn);
    private volatile BoardSettings settings;
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> heartbeat;
    private long lastComponentPoll;
    private volatile String lastError;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Pipeline pipeline;

    /**
     * @param context where the servlet is registered; null in unit tests
     */
    @Activate
    public BoardComponent(Config config, BundleContext context) {
        this.settings = BoardSettings.from(config);
        this.board = new Board(settings, line -> {
            lastError = line;
            log.log(() -> line);
        });
        this.hub = new SseHub(settings.maxClients());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar-board");
            t.setDaemon(true);
            return t;
        });
        schedule();
        if (context != null) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {"/board", "/board/*"});
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "lodestar-board");
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, Boolean.TRUE);
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT, CONTEXT_SELECT);
            registration = context.registerService(Servlet.class, servlet(), p);
        } else {
            registration = null;
        }
        LOG.info("Status board at /board: checks every {}, {} states per tile, at most {} open boards",
                Units.formatDuration(settings.pollMillis()), settings.historyLength(), settings.maxClients());
    }

    /** The page's servlet (tests run it in a plain Jetty). */
    BoardServlet servlet() {
        return new BoardServlet(hub, () -> board.snapshotJson(System.currentTimeMillis()),
                () -> settings.clientBufferBytes(), log);
    }

    /** Title, groups, intervals and limits apply at once; the tiles, their histories and open boards stay. */
    @Modified
    void modified(Config config) {
        BoardSettings s = BoardSettings.from(config);
        this.settings = s;
        board.settings(s);
        hub.maxClients(s.maxClients());
        schedule();
        LOG.info("Status board: reconfigured (checks every {}, {} states per tile, at most {} open boards)",
                Units.formatDuration(s.pollMillis()), s.historyLength(), s.maxClients());
    }

    private synchronized void schedule() {
        if (polling != null) {
            polling.cancel(false);
            heartbeat.cancel(false);
        }
        BoardSettings s = settings;
        polling = scheduler.scheduleWithFixedDelay(this::poll, 0, s.pollMillis(), TimeUnit.MILLISECONDS);
        heartbeat = scheduler.scheduleWithFixedDelay(this::ping, s.heartbeatMillis(), s.heartbeatMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        hub.closeAll();
    }

    @Reference(name = "check", service = Check.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeCheck")
    void addCheck(Check check, Map<String, Object> props) {
        board.addCheck(serviceId(props), check, props, System.currentTimeMillis());
    }

    void removeCheck(Check check, Map<String, Object> props) {
        board.removeCheck(serviceId(props));
    }

    private static long serviceId(Map<String, Object> props) {
        return props.get("service.id") instanceof Number n ? n.longValue() : System.identityHashCode(props);
    }

    /** One look: new check results, and every half second the running parts; what changed goes out. */
    void poll() {
        try {
            long now = System.currentTimeMillis();
            Board.Changes checks = board.pollChecks(now);
            Board.Changes parts = Board.Changes.NONE;
            if (now - lastComponentPoll >= COMPONENT_POLL_MILLIS) {
                lastComponentPoll = now;
                Pipeline p = pipeline;
                List<ComponentStatus> statuses = p == null ? List.of(status()) : p.status();
                parts = board.pollComponents(statuses, now);
            }
            if (checks.layout() || parts.layout()) {
                hub.broadcast(Sse.event("snapshot", board.snapshotJson(now)));
                return;
            }
            for (Tile t : checks.updated()) {
                hub.broadcast(Sse.event("tile", Board.tileJson(t, now)));
            }
            for (Tile t : parts.updated()) {
                hub.broadcast(Sse.event("tile", Board.tileJson(t, now)));
            }
        } catch (RuntimeException e) {
            // the poller must outlive anything a check or a part does
            lastError = "poll failed: " + e;
            log.log(() -> "Status board: a look at the checks failed: " + e);
        }
    }

    private void ping() {
        try {
            hub.broadcast(Sse.event("ping", "{\"now\":" + System.currentTimeMillis() + "}"));
        } catch (RuntimeException e) {
            log.log(() -> "Status board: heartbeat failed: " + e);
        }
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("open_boards", (long) hub.size());
        c.put("connections", hub.connected.get());
        c.put("refused_boards", hub.refused.get());
        c.put("dropped_boards", hub.dropped.get());
        c.put("events", hub.events.get());
        c.put("tiles", (long) board.tileCount());
        return new ComponentStatus("web", "board", State.OK, null, c, Set.of("open_boards", "tiles"), lastError);
    }
}
