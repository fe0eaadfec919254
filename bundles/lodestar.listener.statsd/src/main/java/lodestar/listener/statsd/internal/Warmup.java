package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.RateLimitedLog;

/**
 * Runs the receive path (router) and the parser over synthetic lines with throwaway objects when a receiver
 * starts, so that the JIT has compiled them before the first burst. Interpreted, the router handles only a
 * few lines per microsecond: a sender that starts at full speed overflows the socket buffer in the first
 * fraction of a second (seen in the benchmark as a few thousand kernel drops at start). Touches no listener
 * state; takes some tens of milliseconds, while datagrams that arrive meanwhile wait in the socket buffer.
 */
final class Warmup {

    private static final int PACKETS = 4000;

    private Warmup() {
    }

    static void run(Settings settings, int shards) {
        Shard[] dummy = new Shard[shards];
        RateLimitedLog quiet = new RateLimitedLog(60_000, m -> { });
        // a guard of their own: the synthetic keys must not count against the listener's limits
        CardinalityGuard guard = new CardinalityGuard("statsd-warmup", settings.cardinality(), m -> { });
        for (int i = 0; i < shards; i++) {
            dummy[i] = new Shard(i, settings, quiet, guard, e -> { }, "statsd-warmup"); // never started
        }
        Router router = new Router(dummy, new LongAdder());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String type = switch (i % 4) {
                case 0 -> "c";
                case 1 -> "ms";
                case 2 -> "g";
                default -> "s";
            };
            b.append(i == 0 ? "" : "\n").append("lodestar.warmup.m").append(i).append(':').append(i * 7 % 100).append('|').append(type);
        }
        byte[] packet = b.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(packet.length);
        for (int i = 0; i < PACKETS; i++) {
            direct.clear();
            direct.put(packet).flip();
            router.packet(direct);
            if ((i & 63) == 63 || i == PACKETS - 1) {
                router.publishAll();
                for (Shard s : dummy) {
                    for (Object o; (o = s.queue.poll()) != null;) {
                        Batch batch = (Batch) o;
                        s.aggregator.packet(batch.data, 0, batch.len);
                        batch.recycle();
                    }
                }
            }
        }
    }
}
