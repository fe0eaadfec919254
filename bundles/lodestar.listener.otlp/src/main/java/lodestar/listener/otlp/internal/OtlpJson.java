package lodestar.listener.otlp.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import lodestar.support.json.Json;

/**
 * The OTLP/JSON encoding of a request (OTLP spec, "JSON Protobuf Encoding"), read into the same message classes
 * as the binary one: protobuf's JSON mapping with the OTLP deviations. Field names in lowerCamelCase (the
 * original snake_case names are accepted too, as protobuf's JSON parsers do), 64-bit integers as decimal
 * strings or numbers, enums as integers (names accepted), {@code NaN}/{@code Infinity} as strings, and trace
 * and span ids as hex rather than base64. Unknown fields are ignored, as the spec asks of receivers.
 *
 * <p>protobuf-java-util's {@code JsonFormat} would do the generic part, but it brings Gson and Guava into the
 * runtime; this walks the message descriptors instead. The text is parsed by {@link Json} (strict, depth-bounded),
 * and its size is bounded by the listener before it gets here. Stateless; thread-safe.
 */
final class OtlpJson {

    private OtlpJson() {
    }

    /**
     * @throws IllegalArgumentException when the text is not JSON or does not fit the message, saying where
     */
    static ExportMetricsServiceRequest request(String text) {
        Object root = Json.parse(text);
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        merge(b, Json.object(root), "");
        return b.build();
    }

    private static void merge(Message.Builder b, Map<String, Object> json, String path) {
        Descriptor d = b.getDescriptorForType();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            FieldDescriptor f = field(d, e.getKey());
            if (f == null || e.getValue() == null) {
                continue; // unknown fields are ignored (OTLP: receivers MUST ignore them); null means unset
            }
            String where = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (f.isRepeated()) {
                List<Object> items = Json.array(e.getValue());
                for (int i = 0; i < items.size(); i++) {
                    Object item = items.get(i);
                    if (item != null) {
                        b.addRepeatedField(f, value(b, f, item, where + "[" + i + "]"));
                    }
                }
            } else {
                b.setField(f, value(b, f, e.getValue(), where));
            }
        }
    }

    private static FieldDescriptor field(Descriptor d, String name) {
        FieldDescriptor f = d.findFieldByName(name);
        if (f != null) {
            return f;
        }
        for (FieldDescriptor c : d.getFields()) {
            if (c.getJsonName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static Object value(Message.Builder parent, FieldDescriptor f, Object v, String where) {
        try {
            return switch (f.getJavaType()) {
                case MESSAGE -> {
                    Message.Builder child = parent.newBuilderForField(f);
                    merge(child, Json.object(v), where);
                    yield child.build();
                }
                case INT -> (int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, f);
                case LONG -> integral(v, Long.MIN_VALUE, Long.MAX_VALUE, f);
                case DOUBLE -> floating(v);
                case FLOAT -> (float) floating(v);
                case BOOLEAN -> {
                    if (v instanceof Boolean bool) {
                        yield bool;
                    }
                    throw new IllegalArgumentException("expected true or false");
                }
                case STRING -> {
                    if (v instanceof String s) {
                        yield s;
                    }
                    throw new IllegalArgumentException("expected a string");
                }
                case BYTE_STRING -> {
                    if (!(v instanceof String s)) {
                        throw new IllegalArgumentException("expected a string");
                    }
                    // OTLP writes trace and span ids in hex, every other bytes field in base64
                    boolean hex = f.getName().endsWith("trace_id") || f.getName().endsWith("span_id");
                    yield ByteString.copyFrom(hex ? HexFormat.of().parseHex(s) : Base64.getDecoder().decode(s));
                }
                case ENUM -> {
                    EnumValueDescriptor ev;
                    if (v instanceof String s) {
                        ev = f.getEnumType().findValueByName(s);
                    } else {
                        int n = (int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, f);
                        ev = f.getEnumType().findValueByNumberCreatingIfUnknown(n);
                    }
                    if (ev == null) {
                        throw new IllegalArgumentException("unknown enum value");
                    }
                    yield ev;
                }
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("at ")) {
                throw e;
            }
            throw new IllegalArgumentException("at " + where + ": " + e.getMessage(), e);
        }
    }

    private static long integral(Object v, long min, long max, FieldDescriptor f) {
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if (v instanceof String s) {
            boolean unsigned = f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64;
            try {
                n = unsigned ? Long.parseUnsignedLong(s) : Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer: '" + lodestar.support.log.LogText.of(s) + "'");
            }
            return n; // 64-bit: the full range
        } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
            n = d.longValue();
        } else {
            throw new IllegalArgumentException("expected an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("out of range: " + n);
        }
        return n;
    }

    private static double floating(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            return switch (s) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("not a number: '" + lodestar.support.log.LogText.of(s) + "'");
                    }
                }
            };
        }
        throw new IllegalArgumentException("expected a number");
    }
}
