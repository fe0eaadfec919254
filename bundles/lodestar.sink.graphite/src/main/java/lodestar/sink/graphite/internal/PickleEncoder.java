package lodestar.sink.graphite.internal;

import java.util.List;

import lodestar.api.Sample;

/**
 * Carbon's pickle protocol (TCP 2004): messages of a 4-byte big-endian length followed by a pickle
 * (protocol 2) of {@code [(path, (timestamp, value)), ...]}, written opcode by opcode.
 *
 * <p>Only opcodes that exist in protocol 2 and build plain lists, tuples, strings and numbers, so
 * Carbon's safe unpickler (which refuses any class) takes it: {@code PROTO 2, EMPTY_LIST, MARK,
 * (BINUNICODE path, BININT|LONG1 seconds, TUPLE2, BINFLOAT value... TUPLE2)*, APPENDS, STOP}.
 * Batches are split into messages of at most {@value #MAX_TUPLES} tuples and about
 * {@value #SOFT_MAX_MESSAGE_BYTES} bytes: Carbon drops the connection on a message over its
 * {@code PICKLE_RECEIVER_MAX_LENGTH} (1 MiB by default).
 */
final class PickleEncoder extends Encoder {

    /** Tuples per message at most (Carbon's own relays send 500). */
    static final int MAX_TUPLES = 500;
    /** A message is closed once it is this large; with paths capped at 8000 bytes it stays far below 1 MiB. */
    static final int SOFT_MAX_MESSAGE_BYTES = 256 * 1024;

    static final int PROTO = 0x80;
    static final int EMPTY_LIST = ']';
    static final int MARK = '(';
    static final int BINUNICODE = 'X';
    static final int BININT = 'J';
    static final int LONG1 = 0x8a;
    static final int BINFLOAT = 'G';
    static final int TUPLE2 = 0x86;
    static final int APPENDS = 'e';
    static final int STOP = '.';

    PickleEncoder(GraphiteNames names, Skipped skipped) {
        super(names, skipped);
    }

    @Override
    int encode(List<Sample> batch, ByteBuf out) {
        int n = 0;
        int messageStart = -1;
        int tuples = 0;
        for (int i = 0, size = batch.size(); i < size; i++) {
            Sample s = batch.get(i);
            double v = s.value();
            if (!finite(v)) {
                skipped.nonFinite(s);
                continue;
            }
            if (messageStart < 0) {
                messageStart = out.length();
                out.putIntBE(0); // length, patched when the message is closed
                out.put(PROTO).put(2).put(EMPTY_LIST).put(MARK);
            }
            int tupleStart = out.length();
            out.put(BINUNICODE);
            int lengthAt = out.length();
            out.putIntLE(0);
            if (!names.append(out, s.name(), s.tags())) {
                out.truncate(tupleStart);
                skipped.badName(s);
                continue;
            }
            out.setIntLE(lengthAt, out.length() - lengthAt - 4);
            appendSeconds(out, seconds(s.timestamp()));
            out.put(BINFLOAT).putDoubleBE(v);
            out.put(TUPLE2).put(TUPLE2);
            n++;
            tuples++;
            if (tuples == MAX_TUPLES || out.length() - messageStart >= SOFT_MAX_MESSAGE_BYTES) {
                close(out, messageStart, tuples);
                messageStart = -1;
                tuples = 0;
            }
        }
        if (messageStart >= 0) {
            close(out, messageStart, tuples);
        }
        return n;
    }

    private static void close(ByteBuf out, int messageStart, int tuples) {
        if (tuples == 0) { // every sample after the header was refused
            out.truncate(messageStart);
            return;
        }
        out.put(APPENDS).put(STOP);
        out.setIntBE(messageStart, out.length() - messageStart - 4);
    }

    /** BININT for what fits in a signed 32-bit int (until 2038), else LONG1 (little-endian two's complement). */
    static void appendSeconds(ByteBuf out, long seconds) {
        if (seconds == (int) seconds) {
            out.put(BININT).putIntLE((int) seconds);
            return;
        }
        int bytes = 8;
        while (bytes > 1) { // shortest two's complement that still has the right sign
            long top = seconds >> (8 * (bytes - 1) - 1);
            if (top != 0 && top != -1) {
                break;
            }
            bytes--;
        }
        out.put(LONG1).put(bytes);
        for (int i = 0; i < bytes; i++) {
            out.put((int) (seconds >> (8 * i)));
        }
    }
}
