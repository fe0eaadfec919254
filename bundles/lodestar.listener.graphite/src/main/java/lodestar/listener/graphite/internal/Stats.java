package lodestar.listener.graphite.internal;

import java.util.concurrent.atomic.LongAdder;

/** The listener's running totals, written by its receiver threads, read by its status. */
final class Stats {
    /** TCP reads and UDP datagrams */
    final LongAdder packets = new LongAdder();
    final LongAdder udpPackets = new LongAdder();
    final LongAdder lines = new LongAdder();
    final LongAdder samples = new LongAdder();
    final LongAdder badLines = new LongAdder();
    final LongAdder pickleMessages = new LongAdder();
    final LongAdder pickleRejected = new LongAdder();
    final LongAdder pickleMalformed = new LongAdder();
    final LongAdder pickleBadEntries = new LongAdder();
    final LongAdder oversizeMessages = new LongAdder();

    /** Everything refused: bad lines, rejected or malformed pickles, bad pickle entries, oversize messages. */
    long badInput() {
        return badLines.sum() + pickleRejected.sum() + pickleMalformed.sum() + pickleBadEntries.sum() + oversizeMessages.sum();
    }
}
