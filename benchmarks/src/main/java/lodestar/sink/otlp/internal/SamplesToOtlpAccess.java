package lodestar.sink.otlp.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import lodestar.api.Sample;

/** The OTLP sink's encoder as the sink configures it by default, for OtlpBench's bytes-per-sample figures. */
public final class SamplesToOtlpAccess {

    public Function<List<Sample>, byte[]> encoder() {
        SamplesToOtlp e = new SamplesToOtlp(SamplesToOtlp.Temporality.CUMULATIVE, Map.of("service.name", "lodestar"),
                Map.of("host", "host.name"), 100_000, "bench");
        return batch -> e.encode(batch).toByteArray();
    }
}
