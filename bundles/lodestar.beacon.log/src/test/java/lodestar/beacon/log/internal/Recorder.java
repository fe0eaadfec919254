package lodestar.beacon.log.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Emitter;
import lodestar.api.Sample;

/** An emitter that keeps what it is given. */
final class Recorder implements Emitter {

    final List<Sample> samples = new ArrayList<>();

    @Override
    public void emit(Sample sample) {
        samples.add(sample);
    }

    Map<String, Sample> byName() {
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (m.put(s.name(), s) != null) {
                throw new AssertionError("duplicate sample name " + s.name());
            }
        }
        return m;
    }

    double value(String name) {
        Sample s = byName().get(name);
        if (s == null) {
            throw new AssertionError(name + " not emitted; got " + byName().keySet());
        }
        return s.value();
    }

    boolean has(String name) {
        return byName().containsKey(name);
    }
}
