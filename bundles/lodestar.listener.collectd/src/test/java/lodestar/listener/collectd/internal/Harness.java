package lodestar.listener.collectd.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;

/** Decoder + processor without sockets or threads, for unit tests over captures and built packets. */
final class Harness {

    /** The types.db lines the captures' README assumes. */
    static final String TEST_TYPES = """
            gauge value:GAUGE:U:U
            derive value:DERIVE:U:U
            counter value:COUNTER:U:U
            absolute value:ABSOLUTE:U:U
            counters a:COUNTER:0:U, b:COUNTER:0:U
            false_counter value:COUNTER:U:U
            false_derive value:DERIVE:U:U
            """;

    final Stats stats = new Stats();
    final List<String> guardLog = new ArrayList<>();
    final CardinalityGuard guard;
    final Settings settings;
    final Converters converters;
    final Processor processor;
    final Decoder decoder;
    final List<Sample> samples = new ArrayList<>();

    Harness(Settings s, TypesDb types) {
        this.settings = s;
        this.converters = new Converters(s.builtinConverters(), s.alwaysAppendDs());
        this.guard = new CardinalityGuard("collectd", s.cardinality(), guardLog::add);
        this.processor = new Processor(types, converters, stats, s, guard);
        this.decoder = new Decoder(s.securityLevel(), s.authFile() == null ? null : new AuthFile(s.authFile()), processor, stats);
        processor.output(samples);
    }

    Harness(Settings s) {
        this(s, TypesDb.load(List.of()).with(TEST_TYPES));
    }

    Harness() {
        this(SettingsTest.of());
    }

    Harness feed(byte[] packet) {
        decoder.packet(packet, 0, packet.length);
        return this;
    }

    Harness feed(List<byte[]> packets) {
        packets.forEach(this::feed);
        return this;
    }

    /** Values of samples with this exact name, in arrival order. */
    List<Double> values(String name) {
        return samples.stream().filter(x -> x.name().equals(name)).map(Sample::value).toList();
    }

    long stat(Stat s) {
        return stats.get(s);
    }

    /** The records of a .pkts capture: 2-byte big-endian length, then that many bytes of one datagram. */
    static List<byte[]> capture(String resource) throws IOException {
        List<byte[]> l = new ArrayList<>();
        try (InputStream in = Harness.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException("no test resource " + resource);
            }
            DataInputStream d = new DataInputStream(in);
            while (true) {
                int n;
                try {
                    n = d.readUnsignedShort();
                } catch (EOFException e) {
                    break;
                }
                byte[] b = new byte[n];
                d.readFully(b);
                l.add(b);
            }
        }
        return l;
    }

    static void each(List<byte[]> l, Consumer<byte[]> c) {
        l.forEach(c);
    }
}
