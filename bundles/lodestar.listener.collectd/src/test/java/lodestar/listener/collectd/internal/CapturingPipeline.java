package lodestar.listener.collectd.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;

/** A {@link Pipeline} that keeps everything it is given, for tests. */
final class CapturingPipeline implements Pipeline {

    final List<Sample> samples = new CopyOnWriteArrayList<>();

    @Override
    public void emit(Sample sample) {
        samples.add(sample);
    }

    @Override
    public void emitAll(Collection<Sample> batch) {
        samples.addAll(batch);
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of();
    }

    @Override
    public Optional<List<Sample>> collectNow(String beaconName) {
        return Optional.empty();
    }

    List<Sample> matching(Predicate<Sample> p) {
        return samples.stream().filter(p).toList();
    }

    /** Waits up to {@code millis} until some sample matches. */
    boolean await(Predicate<Sample> p, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (samples.stream().anyMatch(p)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
