package lodestar.listener.collectd.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's count of datagrams dropped for a UDP socket because its receive buffer was full: the
 * {@code drops} column of /proc/net/udp and /proc/net/udp6 for the local port. -1 where there is no such file.
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
            try (BufferedReader r = Files.newBufferedReader(p)) {
                r.readLine();
                String line;
                total = Math.max(total, 0);
                while ((line = r.readLine()) != null) {
                    String[] c = line.trim().split("\\s+");
                    if (c.length < 13) {
                        continue;
                    }
                    int colon = c[1].lastIndexOf(':');
                    if (colon > 0 && Integer.parseInt(c[1].substring(colon + 1), 16) == port) {
                        total += Long.parseLong(c[c.length - 1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or a format we don't know: report nothing rather than fail
            }
        }
        return total;
    }

    /** net.core.rmem_max, or -1. */
    static long rmemMax() {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/core/rmem_max"))) {
            return Long.parseLong(r.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
