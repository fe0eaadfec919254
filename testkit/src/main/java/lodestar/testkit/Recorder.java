package lodestar.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Emitter;
import lodestar.api.Sample;

/** An emitter that keeps what a beacon gives it, for tests. Not thread-safe: one collection at a time. */
public class Recorder implements Emitter {

    public final List<Sample> samples = new ArrayList<>();

    @Override
    public void emit(Sample sample) {
        samples.add(sample);
    }

    /** Name to sample; fails on a duplicate name (each series must appear once per collection). */
    public Map<String, Sample> byName() {
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (m.put(s.name(), s) != null) {
                throw new AssertionError("duplicate sample name " + s.name());
            }
        }
        return m;
    }

    /** The value emitted under {@code name}; fails, listing what was emitted, when there is none. */
    public double value(String name) {
        Sample s = byName().get(name);
        if (s == null) {
            throw new AssertionError(name + " not emitted; got " + byName().keySet());
        }
        return s.value();
    }

    public boolean has(String name) {
        return byName().containsKey(name);
    }
}
