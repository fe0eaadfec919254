package lodestar.beacon.system.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

import oshi.hardware.GlobalMemory;

/**
 * {@code memory.total}, {@code .available} (what can be given to programs without swapping: Linux
 * MemAvailable), {@code .used} (total - available), {@code .used_percent}, {@code .free} (not used for
 * anything, page cache excluded: Linux MemFree; where the OS has no such figure, the available one).
 */
final class MemoryCollector implements Collector {

    private final GlobalMemory memory;
    private final Supplier<OptionalLong> free;

    /**
     * @param free the truly free memory in bytes, or empty where the OS does not report it
     */
    MemoryCollector(GlobalMemory memory, Supplier<OptionalLong> free) {
        this.memory = memory;
        this.free = free;
    }

    @Override
    public String group() {
        return "memory";
    }

    @Override
    public void collect(Out out) {
        long total = memory.getTotal();
        long available = memory.getAvailable();
        long used = Math.max(0, total - available);
        out.gauge("memory.total", total);
        out.gauge("memory.used", used);
        out.gauge("memory.free", free.get().orElse(available));
        out.gauge("memory.available", available);
        if (total > 0) {
            out.gauge("memory.used_percent", 100.0 * used / total);
        }
    }

    /** A reader of the {@code MemFree} line of a Linux {@code /proc/meminfo}, in bytes. */
    static Supplier<OptionalLong> memFree(Path meminfo) {
        return () -> {
            try {
                return field(Files.readAllLines(meminfo), "MemFree");
            } catch (IOException e) {
                return OptionalLong.empty();
            }
        };
    }

    /** The value of {@code key} in {@code /proc/meminfo} lines ({@code MemFree:  123 kB}), in bytes. */
    static OptionalLong field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(key)) {
                String[] parts = line.substring(colon + 1).trim().split("\\s+");
                try {
                    long v = Long.parseLong(parts[0]);
                    boolean kb = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
                    return OptionalLong.of(kb ? v * 1024 : v);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
