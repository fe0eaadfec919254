package lodestar.web.board.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.support.config.Units;

/**
 * The board's configuration, validated: a bad value throws an {@link IllegalArgumentException} whose message
 * starts with the property's name.
 */
record BoardSettings(String title, List<String> groups, long pollMillis, int historyLength, int maxClients,
        long heartbeatMillis, int clientBufferBytes, boolean showComponents) {

    static BoardSettings from(BoardComponent.Config c) {
        String title = c.title() == null ? "" : c.title().strip();
        if (title.isEmpty() || title.length() > 200) {
            throw new IllegalArgumentException("title: must have 1 to 200 characters, got " + title.length());
        }
        List<String> groups = new ArrayList<>();
        for (String g : c.groups() == null ? new String[0] : c.groups()) {
            if (g != null && !g.isBlank()) {
                groups.add(g.strip());
            }
        }
        long poll = Units.positiveDurationMillis("pollInterval", c.pollInterval());
        if (poll < 50 || poll > 10_000) {
            throw new IllegalArgumentException("pollInterval: must be between 50ms and 10s, got " + c.pollInterval());
        }
        if (c.historyLength() < 1 || c.historyLength() > 1000) {
            throw new IllegalArgumentException("historyLength: must be between 1 and 1000, got " + c.historyLength());
        }
        if (c.maxClients() < 1 || c.maxClients() > 10_000) {
            throw new IllegalArgumentException("maxClients: must be between 1 and 10000, got " + c.maxClients());
        }
        long heartbeat = Units.positiveDurationMillis("heartbeat", c.heartbeat());
        if (heartbeat < 1000 || heartbeat > 60_000) {
            throw new IllegalArgumentException("heartbeat: must be between 1s and 1m, got " + c.heartbeat());
        }
        long buffer = Units.bytes("clientBuffer", c.clientBuffer());
        if (buffer < 16 * 1024 || buffer > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("clientBuffer: must be between 16KB and 64MB, got " + c.clientBuffer());
        }
        return new BoardSettings(title, List.copyOf(groups), poll, c.historyLength(), c.maxClients(), heartbeat,
                (int) buffer, c.showComponents());
    }
}
