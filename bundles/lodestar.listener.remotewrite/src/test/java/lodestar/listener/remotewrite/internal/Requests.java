package lodestar.listener.remotewrite.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.support.snappy.Snappy;

/** Builds and posts remote-write requests, for the tests. */
public final class Requests {

    public static final String V1_TYPE = "application/x-protobuf";
    public static final String V2_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

    private Requests() {
    }

    public static Types.Label label(String k, String v) {
        return Types.Label.newBuilder().setName(k).setValue(v).build();
    }

    /** A 1.0 series named {@code name} with labels k1, v1, k2, v2 ... and one sample. */
    public static Types.TimeSeries series(String name, double value, long ts, String... labels) {
        Types.TimeSeries.Builder b = Types.TimeSeries.newBuilder().addLabels(label("__name__", name));
        for (int i = 0; i < labels.length; i += 2) {
            b.addLabels(label(labels[i], labels[i + 1]));
        }
        return b.addSamples(Types.Sample.newBuilder().setValue(value).setTimestamp(ts)).build();
    }

    /** A 1.0 request of {@code seriesCount} series with {@code samplesPerSeries} samples each, snappy-compressed. */
    public static byte[] v1Batch(int seriesCount, int samplesPerSeries, long startTs) {
        Remote.WriteRequest.Builder req = Remote.WriteRequest.newBuilder();
        for (int s = 0; s < seriesCount; s++) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder().addLabels(label("__name__", "bench_metric_" + (s % 50)))
                    .addLabels(label("instance", "10.0.0." + (s % 250) + ":9100")).addLabels(label("job", "bench"))
                    .addLabels(label("series", Integer.toString(s)));
            for (int i = 0; i < samplesPerSeries; i++) {
                ts.addSamples(Types.Sample.newBuilder().setValue(s * 1.5 + i).setTimestamp(startTs + i * 1000L));
            }
            req.addTimeseries(ts);
        }
        return Snappy.compress(req.build().toByteArray());
    }

    public static HttpResponse<String> post(HttpClient http, String url, String contentType, byte[] body) throws IOException,
            InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version",
                        contentType.contains("v2") ? "2.0.0" : "0.1.0").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
