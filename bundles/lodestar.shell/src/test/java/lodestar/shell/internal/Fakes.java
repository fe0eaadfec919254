package lodestar.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.SeriesStore;
import lodestar.api.TimeSeries;

/** Small fakes of our own interfaces, just enough for the command tests. */
final class Fakes {

    private Fakes() {
    }

    static final class FakePipeline implements Pipeline {
        final List<Sample> emitted = new ArrayList<>();
        final List<ComponentStatus> status = new ArrayList<>();
        final Map<String, List<Sample>> beacons = new HashMap<>();
        Exception collectFailure;

        @Override
        public void emit(Sample sample) {
            emitted.add(sample);
        }

        @Override
        public java.util.Optional<java.util.concurrent.CompletionStage<Void>> offerAll(Collection<Sample> samples) {
            emitted.addAll(samples);
            return java.util.Optional.of(java.util.concurrent.CompletableFuture.completedFuture(null));
        }

        @Override
        public void emitAll(Collection<Sample> samples) {
            emitted.addAll(samples);
        }

        @Override
        public List<ComponentStatus> status() {
            return List.copyOf(status);
        }

        @Override
        public Optional<List<Sample>> collectNow(String beaconName) throws Exception {
            if (collectFailure != null) {
                throw collectFailure;
            }
            return Optional.ofNullable(beacons.get(beaconName));
        }
    }

    static final class FakeStore implements SeriesStore {
        final List<SeriesInfo> series = new ArrayList<>();
        final Map<String, TimeSeries> points = new HashMap<>();
        String lastGlob;
        long lastFrom;
        long lastTo;
        long lastStep = -1;

        @Override
        public List<SeriesInfo> find(String glob) {
            lastGlob = glob;
            if (glob == null) {
                return List.copyOf(series);
            }
            String prefix = glob.endsWith("*") ? glob.substring(0, glob.length() - 1) : glob;
            return series.stream().filter(s -> glob.endsWith("*") ? s.name().startsWith(prefix) : s.name().equals(glob)).toList();
        }

        @Override
        public TimeSeries query(String seriesKey, long from, long to, long step) {
            lastFrom = from;
            lastTo = to;
            lastStep = step;
            return points.getOrDefault(seriesKey, TimeSeries.empty(seriesKey));
        }
    }
}
