package lodestar.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import lodestar.api.ComponentStatus;

/**
 * The lines the platform logs once it has started, so that a newcomer sees in one place where everything is: the
 * web console and its password, the ports it listens on, and how to reach the shell. Pure text from what the
 * runtime knows, so that it can be tested without a framework.
 */
final class StartupSummary {

    private StartupSummary() {
    }

    /**
     * @param consoleUrl   the web console's address
     * @param passwordFile where its generated password is, or null when the operator configured the credentials
     * @param httpAddress  host:port of the HTTP server
     * @param shellPort    the remote shell's port, or null when it is off
     * @param listeners    the status of every running part (only listeners with a {@code port} counter are used)
     */
    static List<String> lines(String consoleUrl, String passwordFile, String httpAddress, String shellPort,
            List<ComponentStatus> listeners) {
        List<String> lines = new ArrayList<>();
        lines.add("Ready: web console " + consoleUrl + (passwordFile == null ? " (credentials configured by the operator)"
                : ", user " + ConsolePassword.USER + ", password in " + passwordFile));
        Map<String, Long> ports = new TreeMap<>();
        for (ComponentStatus s : listeners) {
            Long port = s.counters().get("port");
            if ("listener".equals(s.type()) && port != null && port > 0) {
                ports.put(s.name(), port);
            }
        }
        StringBuilder listening = new StringBuilder("Ready: listening on HTTP " + httpAddress);
        ports.forEach((name, port) -> listening.append(", ").append(name).append(' ').append(port));
        if (shellPort != null) {
            listening.append(", remote shell 127.0.0.1:").append(shellPort);
        }
        lines.add(listening.toString());
        if (shellPort != null) {
            lines.add("Ready: shell: the g! prompt when started on a terminal; from elsewhere ./lodestar shell 'lodestar:status'"
                    + " (or telnet 127.0.0.1 " + shellPort + ")");
        } else {
            lines.add("Ready: shell: the g! prompt when started on a terminal; for scripts start with"
                    + " ./lodestar -Dosgi.shell.telnet.port=6666, then ./lodestar shell 'lodestar:status'");
        }
        return lines;
    }
}
