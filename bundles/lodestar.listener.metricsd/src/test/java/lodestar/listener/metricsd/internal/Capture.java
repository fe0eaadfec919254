package lodestar.listener.metricsd.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;

/** A pipeline that keeps what it gets. */
final class Capture implements Pipeline {
    final List<Sample> samples = new CopyOnWriteArrayList<>();

    @Override
    public void emit(Sample sample) {
        samples.add(sample);
    }

    @Override
    public void emitAll(Collection<Sample> s) {
        samples.addAll(s);
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of();
    }

    @Override
    public Optional<List<Sample>> collectNow(String beaconName) {
        return Optional.empty();
    }

    /** The latest value per name. */
    Map<String, Double> latest() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (Sample s : new ArrayList<>(samples)) {
            m.put(s.seriesKey(), s.value());
        }
        return m;
    }
}
