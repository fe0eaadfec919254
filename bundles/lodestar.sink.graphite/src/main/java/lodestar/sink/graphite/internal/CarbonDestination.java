package lodestar.sink.graphite.internal;

import java.io.IOException;
import java.util.List;

import lodestar.api.Sample;
import lodestar.api.Sink;

/**
 * One Carbon the sink writes to: its encoder, connection and encode buffer. A single-destination sink is one of
 * these; a cluster registers one per destination as its own {@link Sink} service, so the core's runner gives each
 * its own buffer, disk spool and retries (a destination that is down is held back and replayed, never rerouted).
 */
final class CarbonDestination implements Sink {

    /** The encode buffer is kept between batches up to this size, and trimmed back to it after a larger one. */
    private static final int KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

    private final String endpoint;
    private final Skipped skipped;
    private final Encoder encoder;
    private final CarbonConnection connection;
    private final ByteBuf buffer = new ByteBuf(64 * 1024);
    /** null: takes every sample; else the cluster's router and this destination's index in its ring */
    private final Router router;
    private final int index;

    CarbonDestination(String host, int port, GraphiteSink.Protocol protocol, long timeoutMillis, GraphiteNames names,
            Router router, int index) {
        this.endpoint = protocol.name().toLowerCase(java.util.Locale.ROOT) + "://" + host + ":" + port;
        this.skipped = new Skipped("graphite sink " + endpoint);
        this.encoder = protocol == GraphiteSink.Protocol.PICKLE ? new PickleEncoder(names, skipped)
                : new PlaintextEncoder(names, skipped);
        this.connection = new CarbonConnection(host, port, timeoutMillis);
        this.router = router;
        this.index = index;
    }

    @Override
    public boolean accepts(Sample sample) {
        if (router != null && !router.placesOn(sample, index)) {
            return false; // another destination's series, or a name no destination can take
        }
        if (!Encoder.finite(sample.value())) {
            skipped.nonFinite(sample); // costs no buffer memory when refused here
            return false;
        }
        return true;
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        buffer.clear();
        try {
            if (encoder.encode(batch, buffer) == 0) {
                return;
            }
            connection.send(buffer.array(), buffer.length());
        } finally {
            if (buffer.array().length > KEEP_BUFFER_BYTES) {
                buffer.clearAndTrim(KEEP_BUFFER_BYTES);
            }
        }
    }

    void close() {
        connection.close();
    }

    String endpoint() {
        return endpoint;
    }

    Skipped skipped() {
        return skipped;
    }

    boolean connected() {
        return connection.connected();
    }

    @Override
    public String toString() {
        return "GraphiteSink[" + endpoint + "]";
    }
}
