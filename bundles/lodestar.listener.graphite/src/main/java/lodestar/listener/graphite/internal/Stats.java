package lodestar.listener.graphite.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The listener's counters, shown by {@code lodestar:status}. */
final class Stats {
    final LongAdder udpPackets = new LongAdder();
    final LongAdder connections = new LongAdder();
    final LongAdder refusedConnections = new LongAdder();
    final LongAdder lines = new LongAdder();
    final LongAdder samples = new LongAdder();
    final LongAdder badLines = new LongAdder();
    final LongAdder pickleMessages = new LongAdder();
    final LongAdder pickleRejected = new LongAdder();
    final LongAdder pickleMalformed = new LongAdder();
    final LongAdder pickleBadEntries = new LongAdder();
    final LongAdder oversizeMessages = new LongAdder();

    Map<String, Long> snapshot(int open) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("samples", samples.sum());
        m.put("lines", lines.sum());
        m.put("bad_lines", badLines.sum());
        m.put("udp_packets", udpPackets.sum());
        m.put("connections", connections.sum());
        m.put("open_connections", (long) open);
        m.put("refused_connections", refusedConnections.sum());
        m.put("pickle_messages", pickleMessages.sum());
        m.put("pickle_rejected", pickleRejected.sum());
        m.put("pickle_malformed", pickleMalformed.sum());
        m.put("pickle_bad_entries", pickleBadEntries.sum());
        m.put("oversize_messages", oversizeMessages.sum());
        return m;
    }
}
