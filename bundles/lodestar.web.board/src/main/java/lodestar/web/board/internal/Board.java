package lodestar.web.board.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.support.config.CheckNames;
import lodestar.support.json.Json;

/**
 * The board's model: one tile per check and per running part, each with a bounded history. The poller calls
 * {@link #pollChecks} and {@link #pollComponents}; they say which tiles changed, so that only those are sent.
 * A tile that comes or goes (a check configured or removed) changes the board's layout: the whole board is then
 * sent again. Thread-safe (one lock; the poller writes, page requests read).
 */
final class Board {

    /** Group of a check without a {@code group} service property. */
    static final String DEFAULT_GROUP = "Checks";
    /** Groups of running parts by {@link ComponentStatus#type()}; other types go to {@code Platform}. */
    static final Map<String, String> COMPONENT_GROUPS = Map.of("listener", "Listeners", "sink", "Sinks", "beacon",
            "Beacons");
    static final String PLATFORM_GROUP = "Platform";
    /** Component groups come after check groups (unless configured otherwise), in this order. */
    static final List<String> COMPONENT_GROUP_ORDER = List.of("Listeners", "Sinks", "Beacons", PLATFORM_GROUP);
    /** Bound on a group name taken from a service property. */
    static final int MAX_GROUP = 100;

    /** What a poll changed. {@code layout}: tiles came or went, send everything again. */
    record Changes(boolean layout, List<Tile> updated) {
        static final Changes NONE = new Changes(false, List.of());

        boolean any() {
            return layout || !updated.isEmpty();
        }
    }

    private record CheckEntry(Check check, String fallbackName, String group, String series, String link,
            long added) {
    }

    private String title;
    private List<String> groupOrder;
    private int historyLength;
    private boolean showComponents;
    private long heartbeatMillis;

    private final Map<Long, CheckEntry> checks = new LinkedHashMap<>();
    private final Map<String, Tile> tiles = new HashMap<>();
    private final Map<String, History> histories = new HashMap<>();
    private boolean layoutChanged;
    private final Consumer<String> errors;

    /**
     * @param errors told about a check whose {@code result()} threw (rate-limited by the caller)
     */
    Board(BoardSettings settings, Consumer<String> errors) {
        this.errors = errors;
        settings(settings);
    }

    synchronized void settings(BoardSettings s) {
        this.title = s.title();
        this.groupOrder = s.groups();
        this.historyLength = s.historyLength();
        this.showComponents = s.showComponents();
        this.heartbeatMillis = s.heartbeatMillis();
        histories.values().forEach(h -> h.resize(historyLength));
        if (!showComponents) {
            tiles.keySet().removeIf(id -> id.startsWith("component:"));
        }
        layoutChanged = true;
    }

    /**
     * A check service appeared.
     *
     * @param serviceId its {@code service.id}
     * @param props     its service properties: {@code name}, {@code group}, {@code series} (the glob its tile
     *                  links to), {@code component.name} (tells HTTP checks, linked to their timings)
     */
    synchronized void addCheck(long serviceId, Check check, Map<String, ?> props, long now) {
        String name = text(props.get("name"));
        if (name.isEmpty()) {
            name = text(props.get("service.pid"));
        }
        if (name.isEmpty()) {
            name = text(props.get("component.name"));
        }
        String group = text(props.get("group"));
        if (group.isEmpty()) {
            group = DEFAULT_GROUP;
        } else if (group.length() > MAX_GROUP) {
            group = group.substring(0, MAX_GROUP);
        }
        String series = text(props.get("series"));
        String kind = text(props.get("component.name"));
        checks.put(serviceId, new CheckEntry(check, name.isEmpty() ? "check" : name, group, series, kind, now));
        layoutChanged = true;
    }

    synchronized void removeCheck(long serviceId) {
        if (checks.remove(serviceId) != null) {
            tiles.remove(checkId(serviceId));
            histories.remove(checkId(serviceId));
            layoutChanged = true;
        }
    }

    /** Looks at every check's latest result; records each new one into its history. */
    synchronized Changes pollChecks(long now) {
        List<Tile> updated = new ArrayList<>();
        for (Map.Entry<Long, CheckEntry> e : checks.entrySet()) {
            String id = checkId(e.getKey());
            CheckEntry c = e.getValue();
            CheckResult r;
            String failure = null;
            try {
                r = c.check().result();
            } catch (RuntimeException ex) {
                r = null;
                failure = "result() failed: " + ex;
                String line = "Status board: check " + c.fallbackName() + ": " + failure;
                errors.accept(line);
            }
            History h = histories.computeIfAbsent(id, k -> new History(historyLength));
            Tile t;
            if (r == null) {
                t = new Tile(id, "check", Tile.cut(c.fallbackName()), c.group(), "unknown",
                        failure == null ? "PENDING" : "UNKNOWN", "",
                        failure == null ? "no result yet" : Tile.cut(failure), c.added(), now,
                        checkLink(c, c.fallbackName()), h.segments());
            } else {
                String status = r.status().name().toLowerCase(Locale.ROOT);
                h.record(status, r.timestamp());
                t = new Tile(id, "check", Tile.cut(r.check()), c.group(), status, r.status().name(), value(r.value()),
                        Tile.cut(r.message()), r.since(), r.timestamp(), checkLink(c, r.check()), h.segments());
            }
            update(t, updated);
        }
        boolean layout = layoutChanged;
        layoutChanged = false;
        return new Changes(layout, updated);
    }

    /**
     * Takes the states of the running parts ({@code Pipeline.status()}); a tile changes when its state, its detail
     * (except an ok part's) or its last error does; "since" and the history follow the colour.
     */
    synchronized Changes pollComponents(List<ComponentStatus> statuses, long now) {
        if (!showComponents) {
            return Changes.NONE;
        }
        List<Tile> updated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ComponentStatus s : statuses) {
            String id = "component:" + s.type() + "/" + s.name();
            if (!seen.add(id)) {
                continue;
            }
            String status = colour(s.state());
            // an ok part's detail says what it is doing this instant (a beacon "running", then "idle"): not news
            // for a wall screen, and it would restart "for ..." at every run
            String label = s.state() == State.OK ? State.OK.word() : s.describeState();
            String message = Tile.cut(s.lastError());
            Tile before = tiles.get(id);
            boolean sameState = before != null && before.status().equals(status);
            long since = sameState ? before.since() : now;
            History h = histories.computeIfAbsent(id, k -> new History(historyLength));
            if (!sameState) {
                h.record(status, now);
            }
            String group = COMPONENT_GROUPS.getOrDefault(s.type(), PLATFORM_GROUP);
            Tile t = new Tile(id, "component", Tile.cut(s.type() + " " + s.name()), group, status, label, "", message,
                    since, now, link("lodestar.self." + s.type() + "." + s.name() + ".*"), h.segments());
            if (before == null) {
                layoutChanged = true;
            }
            update(t, updated);
        }
        if (tiles.keySet().removeIf(id -> id.startsWith("component:") && !seen.contains(id))) {
            histories.keySet().removeIf(id -> id.startsWith("component:") && !seen.contains(id));
            layoutChanged = true;
        }
        boolean layout = layoutChanged;
        layoutChanged = false;
        return new Changes(layout, layout ? List.of() : updated);
    }

    private void update(Tile t, List<Tile> updated) {
        Tile before = tiles.put(t.id(), t);
        if (before == null) {
            layoutChanged = true;
        } else if (!t.sameAs(before) || !t.history().equals(before.history())) {
            updated.add(t);
        }
    }

    /** The whole board: title, server time, groups in order with their tiles. */
    synchronized String snapshotJson(long now) {
        StringBuilder b = new StringBuilder(256 + tiles.size() * 512);
        b.append("{\"title\":");
        Json.string(b, title);
        b.append(",\"now\":").append(now).append(",\"heartbeat\":").append(heartbeatMillis).append(",\"groups\":[");
        boolean firstGroup = true;
        for (Map.Entry<String, List<Tile>> g : groups().entrySet()) {
            b.append(firstGroup ? "" : ",").append("{\"name\":");
            firstGroup = false;
            Json.string(b, g.getKey());
            b.append(",\"tiles\":[");
            for (int i = 0; i < g.getValue().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                g.getValue().get(i).json(b);
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    /** One tile's update: server time and the tile. */
    static String tileJson(Tile t, long now) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"now\":").append(now).append(",\"tile\":");
        return t.json(b).append('}').toString();
    }

    /**
     * The tiles by group, groups in the board's order: the configured {@code groups} first, as listed, then the
     * other check groups alphabetically, then the running parts' (Listeners, Sinks, Beacons, Platform); within a
     * group by name.
     */
    synchronized Map<String, List<Tile>> groups() {
        Map<String, List<Tile>> byGroup = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Tile t : tiles.values()) {
            byGroup.computeIfAbsent(t.group(), k -> new ArrayList<>()).add(t);
        }
        Map<String, List<Tile>> ordered = new LinkedHashMap<>();
        for (String g : groupOrder) {
            List<Tile> ts = byGroup.remove(g);
            if (ts != null) {
                ordered.put(g, ts);
            }
        }
        List<String> rest = new ArrayList<>(byGroup.keySet());
        rest.sort(Comparator.comparingInt((String g) -> COMPONENT_GROUP_ORDER.indexOf(g))
                .thenComparing(String.CASE_INSENSITIVE_ORDER));
        for (String g : rest) {
            ordered.put(g, byGroup.get(g));
        }
        ordered.values().forEach(ts -> ts.sort(Comparator.comparing(Tile::name, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(Tile::id)));
        return ordered;
    }

    synchronized int tileCount() {
        return tiles.size();
    }

    static String checkId(long serviceId) {
        return "check:" + serviceId;
    }

    /**
     * The explorer view of a check's series: its {@code series} property if it has one; HTTP checks their timings
     * ({@code check.<name>.*_ms}); others every series of the check ({@code check.<name>.*}).
     */
    private static String checkLink(CheckEntry c, String name) {
        if (!c.series().isEmpty()) {
            return link(c.series());
        }
        // the series carry the check's name made metric-safe (a display name may be "Is True?": check.Is_True.*)
        if (c.link().equals("lodestar.beacon.http")) {
            return link("check." + CheckNames.metricName(name, false) + ".*_ms");
        }
        return link("check." + CheckNames.metricName(name, true) + ".*");
    }

    /** {@code /explore#target=<url-encoded glob>&range=1h}, the explorer's shareable fragment. */
    static String link(String glob) {
        return "/explore#target=" + URLEncoder.encode(glob, StandardCharsets.UTF_8).replace("+", "%20") + "&range=1h";
    }

    static String colour(State s) {
        return switch (s) {
            case OK -> "ok";
            case DEGRADED -> "warning";
            case FAILED -> "critical";
            case STOPPED -> "unknown";
        };
    }

    /** A value as a person reads it: whole numbers without a fraction, others to 4 significant digits; NaN empty. */
    static String value(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "\u221e" : "-\u221e";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString().strip();
    }
}
