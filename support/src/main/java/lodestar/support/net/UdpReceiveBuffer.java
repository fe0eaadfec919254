package lodestar.support.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a UDP listener needs to say about its socket receive buffer on Linux: how many datagrams the kernel
 * dropped because the buffer was full (the {@code drops} column of /proc/net/udp and /proc/net/udp6 for the
 * local port), and a warning when the kernel granted less buffer than configured ({@code net.core.rmem_max}).
 * Elsewhere the readings are -1 and no warning is given.
 */
public final class UdpReceiveBuffer {

    private UdpReceiveBuffer() {
    }

    /** Datagrams dropped for the UDP socket(s) bound to local {@code port} so far, or -1 where unknown. */
    public static long kernelDrops(int port) {
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
                // not Linux, or a format we don't know: report nothing rather than fail the caller
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

    /** {@code net.core.rmem_max}, or -1. */
    public static long rmemMax() {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/core/rmem_max"))) {
            return Long.parseLong(r.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The line to log when the kernel capped the {@code receiveBuffer} a listener asked for, naming the sysctl
     * that fixes it; {@code null} when it was not capped.
     *
     * @param granted what {@code SO_RCVBUF} reads back after setting it
     */
    public static String cappedWarning(long requested, int granted) {
        long max = rmemMax();
        // Linux reports twice the size it accepted (bookkeeping overhead) and caps the request at rmem_max
        boolean capped = max >= 0 ? requested > max : granted < requested;
        if (!capped) {
            return null;
        }
        return "receiveBuffer: asked for " + requested + " bytes, the kernel granted " + granted + " (net.core.rmem_max="
                + max + "); bursts beyond that are dropped by the kernel. To fix: sysctl -w net.core.rmem_max=" + requested;
    }
}
