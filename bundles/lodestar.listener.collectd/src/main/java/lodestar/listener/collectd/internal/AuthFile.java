package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * collectd's (and Bucky's) auth file: {@code user: password} lines, '#' comments. Read at start (a missing or
 * unreadable file is a configuration error then) and again when its modification time or size changes,
 * checked at most once a second from the thread that verifies packets. A file that becomes unreadable later
 * keeps the last good contents and is logged.
 */
final class AuthFile {

    private static final Logger LOG = LoggerFactory.getLogger(AuthFile.class);
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final Path path;
    private volatile Map<String, String> users;
    private long lastCheck;
    private long stampTime;
    private long stampSize;

    AuthFile(Path path) {
        this.path = path;
        try {
            load();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("authFile: cannot read '" + path + "': " + e.getMessage(), e);
        }
        lastCheck = System.nanoTime();
    }

    /** The user's password, or null for an unknown user. */
    String password(String user) {
        long now = System.nanoTime();
        if (now - lastCheck > CHECK_NANOS) {
            lastCheck = now;
            reloadIfChanged();
        }
        return users.get(user);
    }

    int size() {
        return users.size();
    }

    private void reloadIfChanged() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (a.lastModifiedTime().toMillis() != stampTime || a.size() != stampSize) {
                load();
                LOG.info("collectd auth file {} reloaded: {} users", path, users.size());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("collectd auth file {} not reloaded, keeping the previous {} users: {}", path, users.size(), e.toString());
        }
    }

    private void load() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        Map<String, String> m = new HashMap<>();
        int no = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            no++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int colon = t.indexOf(':');
            String user = colon < 0 ? "" : t.substring(0, colon).trim();
            String pass = colon < 0 ? "" : t.substring(colon + 1).trim();
            if (user.isEmpty() || pass.isEmpty()) {
                LOG.warn("collectd auth file {} line {}: expected 'user: password', ignored", path, no);
                continue;
            }
            m.put(user, pass);
        }
        users = Map.copyOf(m);
        stampTime = a.lastModifiedTime().toMillis();
        stampSize = a.size();
    }
}
