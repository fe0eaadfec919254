"""Prints one OTLP ExportMetricsServiceRequest in OTLP/JSON, built and encoded by OpenTelemetry's Python classes
(opentelemetry-proto) and protobuf's own JSON printer: lowerCamelCase, int64 as strings, enums by name."""
from google.protobuf.json_format import MessageToJson
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.metrics.v1 import metrics_pb2 as m

T = 1_700_000_000_000_000_000
req = ExportMetricsServiceRequest()
rm = req.resource_metrics.add()
rm.resource.attributes.add(key="service.name").value.string_value = "py"
sm = rm.scope_metrics.add()
sm.scope.name = "py.scope"

g = sm.metrics.add(name="py.gauge")
p = g.gauge.data_points.add(as_double=1.25, time_unix_nano=T)
p.attributes.add(key="k").value.int_value = 7

s = sm.metrics.add(name="py.counter")
s.sum.aggregation_temporality = m.AGGREGATION_TEMPORALITY_CUMULATIVE
s.sum.is_monotonic = True
s.sum.data_points.add(as_int=9007199254740993, time_unix_nano=T, start_time_unix_nano=T - 10**9)

h = sm.metrics.add(name="py.latency")
h.histogram.aggregation_temporality = m.AGGREGATION_TEMPORALITY_DELTA
hp = h.histogram.data_points.add(count=6, sum=21.5, min=0.5, max=12, time_unix_nano=T)
hp.explicit_bounds.extend([1.0, 5.0])
hp.bucket_counts.extend([1, 3, 2])

e = sm.metrics.add(name="py.size")
e.exponential_histogram.aggregation_temporality = m.AGGREGATION_TEMPORALITY_CUMULATIVE
ep = e.exponential_histogram.data_points.add(count=5, sum=-1.0, scale=3, zero_count=1, zero_threshold=0.0, time_unix_nano=T)
ep.positive.offset = -2
ep.positive.bucket_counts.extend([1, 0, 1])
ep.negative.offset = 4
ep.negative.bucket_counts.extend([2])

q = sm.metrics.add(name="py.summary")
qp = q.summary.data_points.add(count=10, sum=float("nan"), time_unix_nano=T)
qp.quantile_values.add(quantile=0.5, value=3.0)
qp.quantile_values.add(quantile=1.0, value=float("inf"))

print(MessageToJson(req))
