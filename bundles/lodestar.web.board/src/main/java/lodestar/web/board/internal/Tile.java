package lodestar.web.board.internal;

import java.util.List;

import lodestar.support.json.Json;

/**
 * What one tile shows, as sent to the page: a check's latest result or a running part's state. Everything here is
 * text the page inserts with {@code textContent}, never as markup.
 *
 * @param id      stable key ({@code check:<service.id>}, {@code component:<type>/<name>})
 * @param kind    {@code check} or {@code component}
 * @param name    the check's or part's name
 * @param group   the group it is shown in
 * @param status  the colour: {@code ok}, {@code warning}, {@code critical}, {@code unknown}
 * @param label   the state in words ({@code CRITICAL}, {@code degraded (spooling)})
 * @param value   the last value as text ({@code 12.5}, empty when none)
 * @param message the check's message or the part's last error
 * @param since   since when it is in this status, epoch millis
 * @param at      when the shown result was taken, epoch millis
 * @param link    the explorer view of its series ({@code /explore#target=...&range=1h}), or empty
 * @param history recent states, oldest first
 */
record Tile(String id, String kind, String name, String group, String status, String label, String value,
        String message, long since, long at, String link, List<History.Segment> history) {

    /** Longest name, message or value sent: a wall screen needs no more, and memory stays bounded. */
    static final int MAX_TEXT = 500;

    /** Whether {@code other} would look the same on the board, apart from its history and result time. */
    boolean sameAs(Tile other) {
        return other != null && id.equals(other.id) && name.equals(other.name) && group.equals(other.group)
                && status.equals(other.status) && label.equals(other.label) && value.equals(other.value)
                && message.equals(other.message) && since == other.since && link.equals(other.link);
    }

    StringBuilder json(StringBuilder b) {
        b.append("{\"id\":");
        Json.string(b, id);
        field(b, "kind", kind);
        field(b, "name", name);
        field(b, "group", group);
        field(b, "status", status);
        field(b, "label", label);
        field(b, "value", value);
        field(b, "message", message);
        b.append(",\"since\":").append(since).append(",\"at\":").append(at);
        field(b, "link", link);
        b.append(",\"history\":[");
        for (int i = 0; i < history.size(); i++) {
            History.Segment s = history.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"s\":");
            Json.string(b, s.status());
            b.append(",\"from\":").append(s.from()).append(",\"to\":").append(s.to()).append(",\"n\":").append(s.count())
                    .append('}');
        }
        return b.append("]}");
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        Json.string(b, value);
    }

    /** {@code s} cut to {@link #MAX_TEXT} characters (with an ellipsis), never null. */
    static String cut(String s) {
        if (s == null) {
            return "";
        }
        if (s.length() <= MAX_TEXT) {
            return s;
        }
        int end = MAX_TEXT;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }
}
