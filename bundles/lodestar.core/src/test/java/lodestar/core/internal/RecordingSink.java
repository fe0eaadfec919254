package lodestar.core.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import lodestar.api.Sample;
import lodestar.api.Sink;

/** A sink for tests that records what it took and can be switched to fail like a backend that is down. */
class RecordingSink implements Sink {

    final List<Sample> taken = new ArrayList<>();
    volatile boolean down;
    volatile int attempts;

    @Override
    public synchronized void write(List<Sample> batch) throws IOException {
        attempts++;
        if (down) {
            throw new IOException("backend down");
        }
        taken.addAll(batch);
    }

    synchronized List<Sample> taken() {
        return new ArrayList<>(taken);
    }
}
