package lodestar.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;

/**
 * A {@link Pipeline} that keeps everything it is given, for the tests of listeners (which only emit).
 * Thread-safe: listeners emit from their own threads while the test reads.
 */
public class CapturingPipeline implements Pipeline {

    public final List<Sample> samples = new CopyOnWriteArrayList<>();
    private int taken;

    @Override
    public void emit(Sample sample) {
        samples.add(sample);
    }

    @Override
    public void emitAll(Collection<Sample> batch) {
        samples.addAll(batch);
    }

    /** While true, {@link #offerAll} refuses every batch, as a pipeline whose sinks' buffers are full does. */
    public volatile boolean full;
    /** Batches {@link #offerAll} refused. */
    public final AtomicInteger refused = new AtomicInteger();
    /**
     * The stage {@link #offerAll} returns for a batch it takes (kept in {@link #samples} at once): completed by
     * default; a test sets its own to hold settlement back or fail it with a {@code SamplesLostException}.
     */
    public volatile Supplier<CompletableFuture<Void>> settlement = () -> CompletableFuture.completedFuture(null);

    @Override
    public Optional<CompletionStage<Void>> offerAll(Collection<Sample> batch) {
        if (full) {
            refused.incrementAndGet();
            return Optional.empty();
        }
        samples.addAll(batch);
        return Optional.of(settlement.get());
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of();
    }

    @Override
    public Optional<List<Sample>> collectNow(String beaconName) {
        return Optional.empty();
    }

    public List<Sample> matching(Predicate<Sample> p) {
        return samples.stream().filter(p).toList();
    }

    /** Waits up to {@code millis} until some sample matches. */
    public boolean await(Predicate<Sample> p, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (samples.stream().anyMatch(p)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * The next {@code n} samples after those already taken, waiting up to 5 s for each; fails, saying how
     * many came, when they don't.
     */
    public synchronized List<Sample> take(int n) throws InterruptedException {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long end = System.currentTimeMillis() + 5000;
            while (samples.size() <= taken && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            if (samples.size() <= taken) {
                throw new AssertionError("got " + out.size() + " of " + n + " samples: " + out);
            }
            out.add(samples.get(taken++));
        }
        return out;
    }

    /** The latest value per series key. */
    public Map<String, Double> latest() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Sample s : new ArrayList<>(samples)) {
            m.put(s.seriesKey(), s.value());
        }
        return m;
    }
}
