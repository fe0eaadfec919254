package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of datagrams dropped for a UDP socket (receive buffer full), from the {@code drops}
 * column of /proc/net/udp and /proc/net/udp6 for the local port. -1 where there is no such file.
 */
final class KernelDrops {

    private KernelDrops() {
    }

    static long read(int port) {
        long total = -1;
        for (String f : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            Path p = Path.of(f);
            if (!Files.isReadable(p)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(p);
                for (int i = 1; i < lines.size(); i++) {
                    long d = drops(lines.get(i), port);
                    if (d >= 0) {
                        total = Math.max(total, 0) + d;
                    }
                }
                total = Math.max(total, 0);
            } catch (IOException | RuntimeException e) {
                // not Linux, or a format we don't know: report nothing rather than fail the flush
            }
        }
        return total;
    }

    /** The drops of one /proc/net/udp line if its local port is {@code port}, else -1. */
    static long drops(String line, int port) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 13) {
            return -1;
        }
        String local = f[1];
        int colon = local.lastIndexOf(':');
        if (colon < 0 || Integer.parseInt(local.substring(colon + 1), 16) != port) {
            return -1;
        }
        return Long.parseLong(f[f.length - 1]);
    }

    /** net.core.rmem_max, or -1. */
    static long rmemMax() {
        try {
            try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/core/rmem_max"))) {
                return Long.parseLong(r.readLine().trim());
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
