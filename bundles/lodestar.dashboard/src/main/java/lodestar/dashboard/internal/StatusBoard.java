package lodestar.dashboard.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Pipeline;
import lodestar.support.json.Json;

/**
 * What the status board shows, with no OSGi or servlet in sight so it can be tested with fakes: a
 * {@link Snapshot} of every component ({@link Pipeline#status()}) and every {@link Check}, as the JSON the
 * page polls and as the HTML fragment the web console wraps in its frame. Both carry the colour of each
 * badge ({@code ok} green, {@code warn} yellow, {@code bad} red, {@code off} grey) so the page's script and
 * this class cannot disagree about it. Thread-safe if the suppliers are.
 */
final class StatusBoard {

    /** The JSON endpoint, relative to the plugin's root. */
    static final String STATUS_JSON = "status.json";
    /** How often the page polls {@link #STATUS_JSON}. */
    static final long REFRESH_MILLIS = 2000;
    static final String NO_PIPELINE = "the pipeline is not running (the lodestar.core bundle provides it)";

    /**
     * One row of the components table: {@code state} is a {@link State} word, {@code detail} the component's
     * word for its case ({@code backoff}); {@code badge} is one of {@code ok warn bad off}.
     */
    record Component(String type, String name, String state, String detail, String badge, Map<String, Long> counters,
            String lastError) {

        /** {@code ok}, or {@code failed (backoff)} when the detail adds something. */
        String describeState() {
            return detail.equals(state) || "-".equals(detail) ? state : state + " (" + detail + ")";
        }
    }

    /**
     * One row of the checks table; {@code status} is a {@link CheckStatus} name or {@code PENDING} (not run
     * yet); without a result ({@code ran} false) {@code since}, {@code forMillis} and {@code timestamp} are 0
     * and {@code value} NaN.
     */
    record CheckRow(String name, String status, String badge, boolean ran, long since, long forMillis, double value,
                    String message, long timestamp) {
    }

    /** Everything on the page at {@code time}; {@code problem} is null when the pipeline answered. */
    record Snapshot(long time, String problem, List<Component> components, List<CheckRow> checks) {
    }

    private final Supplier<Pipeline> pipeline;
    private final Supplier<Map<Check, String>> checks;
    private final Clock clock;

    /**
     * @param pipeline the pipeline, or null when none runs (read on every call: it may come and go)
     * @param checks   the running checks, each with the name to show before its first result
     */
    StatusBoard(Supplier<Pipeline> pipeline, Supplier<Map<Check, String>> checks, Clock clock) {
        this.pipeline = pipeline;
        this.checks = checks;
        this.clock = clock;
    }

    Snapshot snapshot() {
        long now = clock.millis();
        String problem = null;
        List<Component> components = new ArrayList<>();
        Pipeline p = pipeline.get();
        if (p == null) {
            problem = NO_PIPELINE;
        } else {
            try {
                for (ComponentStatus c : p.status()) {
                    components.add(new Component(orDash(c.type()), orDash(c.name()), c.state().word(),
                            orDash(c.detail()), badge(c.state()), c.counters(), c.lastError()));
                }
            } catch (RuntimeException e) {
                problem = "the pipeline could not report its status: " + oneLine(e);
            }
        }
        List<CheckRow> rows = new ArrayList<>();
        for (Map.Entry<Check, String> e : checks.get().entrySet()) {
            rows.add(row(e.getKey(), e.getValue(), now));
        }
        rows.sort(Comparator.comparing(CheckRow::name));
        return new Snapshot(now, problem, List.copyOf(components), List.copyOf(rows));
    }

    /** The current snapshot as JSON (see the README for the fields). */
    String json() {
        return json(snapshot());
    }

    /** The page's content for the console frame, showing the current snapshot, polling {@code statusUrl}. */
    String html(String statusUrl) {
        return html(snapshot(), statusUrl);
    }

    static String json(Snapshot s) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\"time\":").append(s.time()).append(",\"refreshMillis\":").append(REFRESH_MILLIS).append(",\"problem\":");
        nullable(b, s.problem()).append(",\"components\":[");
        for (int i = 0; i < s.components().size(); i++) {
            Component c = s.components().get(i);
            b.append(i == 0 ? "{" : ",{");
            b.append("\"type\":");
            Json.string(b, c.type()).append(",\"name\":");
            Json.string(b, c.name()).append(",\"state\":");
            Json.string(b, c.state()).append(",\"detail\":");
            Json.string(b, c.detail()).append(",\"badge\":");
            Json.string(b, c.badge()).append(",\"counters\":{");
            boolean first = true;
            for (Map.Entry<String, Long> e : c.counters().entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                Json.string(b, String.valueOf(e.getKey())).append(':').append(e.getValue());
            }
            b.append("},\"lastError\":");
            nullable(b, c.lastError()).append('}');
        }
        b.append("],\"checks\":[");
        for (int i = 0; i < s.checks().size(); i++) {
            CheckRow r = s.checks().get(i);
            boolean pending = !r.ran();
            b.append(i == 0 ? "{" : ",{");
            b.append("\"name\":");
            Json.string(b, r.name()).append(",\"status\":");
            Json.string(b, r.status()).append(",\"badge\":");
            Json.string(b, r.badge()).append(",\"since\":").append(pending ? "null" : Long.toString(r.since()))
                    .append(",\"forMillis\":").append(pending ? "null" : Long.toString(r.forMillis())).append(",\"for\":");
            Json.string(b, pending ? "-" : age(r.forMillis())).append(",\"value\":");
            if (Double.isFinite(r.value())) {
                Json.number(b, r.value());
            } else {
                b.append("null");
            }
            b.append(",\"message\":");
            Json.string(b, r.message()).append(",\"timestamp\":").append(pending ? "null" : Long.toString(r.timestamp())).append('}');
        }
        return b.append("]}").toString();
    }

    static String html(Snapshot s, String statusUrl) {
        StringBuilder b = new StringBuilder(8192);
        b.append(Page.STYLE);
        b.append("<div id=\"ls-board\" data-status-url=\"");
        Html.text(b, statusUrl).append("\" data-refresh=\"").append(REFRESH_MILLIS).append("\">\n");
        b.append("<p class=\"statline\" id=\"ls-line\">").append(s.components().size()).append(" components, ")
                .append(s.checks().size()).append(" checks; refreshing every ").append(REFRESH_MILLIS / 1000).append(" s</p>\n");
        b.append("<p id=\"ls-problem\" class=\"ls-problem\"").append(s.problem() == null ? " hidden>" : ">");
        Html.text(b, s.problem()).append("</p>\n");

        b.append("<h2 class=\"ls-h\">Components</h2>\n<table class=\"nicetable ls-table\" id=\"ls-components\">")
                .append("<thead><tr><th>Type</th><th>Name</th><th>State</th><th>Counters</th><th>Last error</th></tr></thead><tbody>");
        if (s.components().isEmpty()) {
            b.append("<tr><td colspan=\"5\" class=\"ls-empty\">no beacons or sinks are running</td></tr>");
        }
        for (Component c : s.components()) {
            b.append("\n<tr><td>");
            Html.text(b, c.type()).append("</td><td class=\"ls-name\">");
            Html.text(b, c.name()).append("</td><td>");
            badge(b, c.badge(), c.describeState()).append("</td><td class=\"ls-counters\">");
            if (c.counters().isEmpty()) {
                b.append('-');
            }
            for (Map.Entry<String, Long> e : c.counters().entrySet()) {
                b.append("<span class=\"ls-counter\">");
                Html.text(b, e.getKey()).append("=<b>").append(e.getValue()).append("</b></span> ");
            }
            b.append("</td><td class=\"ls-text\">");
            Html.text(b, c.lastError()).append("</td></tr>");
        }
        b.append("</tbody></table>\n");

        b.append("<h2 class=\"ls-h\">Checks</h2>\n<table class=\"nicetable ls-table\" id=\"ls-checks\">")
                .append("<thead><tr><th>Check</th><th>Status</th><th>For</th><th>Value</th><th>Message</th></tr></thead><tbody>");
        if (s.checks().isEmpty()) {
            b.append("<tr><td colspan=\"5\" class=\"ls-empty\">no checks are running</td></tr>");
        }
        for (CheckRow r : s.checks()) {
            boolean pending = !r.ran();
            b.append("\n<tr><td class=\"ls-name\">");
            Html.text(b, r.name()).append("</td><td>");
            badge(b, r.badge(), r.status()).append("</td><td class=\"ls-num\">")
                    .append(pending ? "-" : age(r.forMillis())).append("</td><td class=\"ls-num\">")
                    .append(Double.isFinite(r.value()) ? value(r.value()) : "-").append("</td><td class=\"ls-text\">");
            Html.text(b, r.message()).append("</td></tr>");
        }
        b.append("</tbody></table>\n</div>\n");
        b.append(Page.SCRIPT);
        return b.toString();
    }

    /** The colour of a component's state: ok green, degraded yellow, failed red, stopped grey. */
    static String badge(State state) {
        return switch (state) {
            case OK -> "ok";
            case DEGRADED -> "warn";
            case FAILED -> "bad";
            case STOPPED -> "off";
        };
    }

    /** The colour of a check's status: OK green, WARNING yellow, CRITICAL red, UNKNOWN and not run yet grey. */
    static String badge(CheckStatus status) {
        if (status == null) {
            return "off";
        }
        return switch (status) {
            case OK -> "ok";
            case WARNING -> "warn";
            case CRITICAL -> "bad";
            case UNKNOWN -> "off";
        };
    }

    private static CheckRow row(Check check, String fallbackName, long now) {
        String name = fallbackName == null || fallbackName.isBlank() ? "check" : fallbackName.trim();
        CheckResult r;
        try {
            r = check.result();
        } catch (RuntimeException e) {
            return new CheckRow(name, CheckStatus.UNKNOWN.name(), "off", false, 0, 0, Double.NaN,
                    "error: result() failed: " + oneLine(e), 0);
        }
        if (r == null) {
            return new CheckRow(name, "PENDING", "off", false, 0, 0, Double.NaN, "not run yet", 0);
        }
        // up to now, not to the result's time, so the age keeps counting between runs (as lodestar:checks)
        return new CheckRow(r.check(), r.status().name(), badge(r.status()), true, r.since(), Math.max(0, now - r.since()),
                r.value(), r.message(), r.timestamp());
    }

    private static StringBuilder badge(StringBuilder b, String badge, String text) {
        return Html.text(b.append("<span class=\"ls-badge ls-").append(badge).append("\">"), text).append("</span>");
    }

    private static StringBuilder nullable(StringBuilder b, String s) {
        return s == null ? b.append("null") : Json.string(b, s);
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** A value as {@code lodestar:checks} shows it: {@code 42}, {@code 0.25}, {@code 1.0E-7}. */
    static String value(double v) {
        return lodestar.support.config.Units.formatValue(v);
    }

    /** An age in the largest two units: {@code 0s}, {@code 42s}, {@code 3m5s}, {@code 2h0m}, {@code 4d3h}. */
    static String age(long millis) {
        return lodestar.support.config.Units.formatAge(millis);
    }
}
