package lodestar.listener.collectd.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Sample;

/**
 * For benchmarks/run cost: the collectd listener's decoder and processor remembering {@code n} DERIVE series (the
 * state a rate needs), with the test types.db (in the package to reach them; the test jar's builders).
 */
public final class CollectdCost {

    private CollectdCost() {
    }

    public static Object hold(int n) {
        Harness h = new Harness(SettingsTest.of("maxSeries", Math.max(n, 1) * 2, "maxNewSeries", 0));
        List<Sample> sink = new ArrayList<>();
        h.processor.output(sink);
        for (int i = 0; i < n; i++) {
            h.decoder.packet(pkt(i), 0, pkt(i).length);
            if (sink.size() > 10_000) {
                sink.clear();
            }
        }
        sink.clear();
        h.samples.clear();
        return h;
    }

    private static byte[] pkt(int i) {
        return ProcessorTest.one("web" + (i % 100), "app", "i" + i / 100, "derive", "requests", 1_700_000_000, Packets.DERIVE, i);
    }
}
