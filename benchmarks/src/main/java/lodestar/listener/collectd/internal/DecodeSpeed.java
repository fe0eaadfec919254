package lodestar.listener.collectd.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Sample;
import lodestar.testkit.Configs;

/**
 * Single-thread decode speed on the collectd benchmark's packets (50 gauges each, 10 000 names):
 * {@code benchmarks/run collectd-decode}. Builds them with the listener's test fixture {@code Packets} and decodes
 * through {@code Harness} (decoder and processor without sockets or threads), both from its test jar.
 */
public final class DecodeSpeed {

    public static void main(String[] args) {
        int names = 10_000;
        List<byte[]> packets = new ArrayList<>();
        int seq = 0;
        for (int p = 0; p < names / 50; p++) {
            Packets b = new Packets().string(Decoder.HOST, "benchhost").timeHr(1.7e9).number(Decoder.INTERVAL_HR, 1L << 30)
                    .string(Decoder.PLUGIN, "bench").string(Decoder.TYPE, "gauge");
            for (int i = 0; i < 50; i++) {
                b.string(Decoder.TYPE_INSTANCE, "b" + (seq++ % names)).gauge(seq % 100);
            }
            packets.add(b.build());
        }
        Harness h = new Harness(Settings.from(Configs.of(CollectdListener.Config.class)), TypesDb.load(List.of()));
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            long values = 0;
            for (int r = 0; r < 50; r++) {
                for (byte[] p : packets) {
                    h.decoder.packet(p, 0, p.length);
                }
                values += names;
                h.samples.clear();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%.0f values/s%n", values / s);
        }
        List<Sample> x = h.samples;
        System.out.println(x.size());
    }
}
