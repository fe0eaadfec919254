package lodestar.sink.kafka.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.config.InstanceNames;
import lodestar.support.config.Units;
import lodestar.support.json.SampleJson;
import lodestar.support.kafka.KafkaSettings;
import lodestar.support.lineprotocol.Bytes;
import lodestar.support.lineprotocol.LineProtocol;
import lodestar.support.log.SkippedSamples;
import lodestar.support.secrets.Secrets;

/**
 * Writes samples to a Kafka topic, one record per sample: the key is the series ({@link Sample#seriesKey()}), so
 * every sample of a series goes to the same partition and a consumer sees a series in order; the value is the
 * sample as JSON ({@link SampleJson}, keeps the kind) or as InfluxDB line protocol (what Telegraf and InfluxDB's
 * own consumers read). A write returns only once the brokers acknowledged every record of the batch
 * ({@code acks=all} by default, idempotent), and throws otherwise: the core's runner then retries the batch or
 * spools it to disk. A retried batch may write some records twice (at least once).
 */
@Component(name = KafkaSink.PID, configurationPid = KafkaSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        property = "lodestar.sink.tags:Boolean=true")
@Designate(ocd = KafkaSink.Config.class, factory = true)
public final class KafkaSink implements Sink {

    static final String PID = "lodestar.sink.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    /** What this sink sets itself: an operator's clientProperties may not change them. */
    private static final Set<String> OWNED = Set.of("key.serializer", "value.serializer", "acks",
            "enable.idempotence", "compression.type", "linger.ms", "batch.size", "delivery.timeout.ms",
            "request.timeout.ms", "max.block.ms", "client.id");
    /** The encode buffers are kept between batches up to this size. */
    private static final int KEEP_BUFFER_BYTES = 64 * 1024;

    @ObjectClassDefinition(name = "Lodestar Kafka sink",
            description = "Writes samples to a Kafka topic, one record per sample, keyed by series. One configuration"
                    + " per topic: conf/lodestar.sink.kafka-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "Bootstrap servers", description = "Kafka brokers to start from,"
                + " host:port[,host:port...].")
        String bootstrapServers() default "127.0.0.1:9092";

        @AttributeDefinition(name = "Topic", description = "The topic samples are written to (it must exist, or the"
                + " brokers must create topics on first use).")
        String topic() default "lodestar";

        @AttributeDefinition(name = "Format", description = "A record's value: json = one JSON object per sample,"
                + " keeps the kind (counter, gauge, ...), what lodestar.listener.kafka reads best; line = InfluxDB"
                + " line protocol with millisecond timestamps (Telegraf's kafka_consumer, InfluxDB).",
                options = {@Option(label = "json", value = "json"), @Option(label = "line", value = "line")})
        String format() default "json";

        @AttributeDefinition(name = "Measurement from (line)", description = "With format=line: how a dotted name"
                + " maps to measurement and field: name, parent or first (as lodestar.sink.influxdb).",
                options = {@Option(label = "name", value = "name"), @Option(label = "parent", value = "parent"),
                        @Option(label = "first", value = "first")})
        String measurementFrom() default "name";

        @AttributeDefinition(name = "Compression", description = "Record batch compression: none, gzip or lz4."
                + " zstd and snappy need JNI libraries the platform does not ship.",
                options = {@Option(label = "lz4", value = "lz4"), @Option(label = "gzip", value = "gzip"),
                        @Option(label = "none", value = "none")})
        String compression() default "lz4";

        @AttributeDefinition(name = "Acks", description = "Acknowledgements a write waits for: all = every in-sync"
                + " replica (no loss when a broker dies), 1 = the leader only, 0 = none (fire and forget: a write"
                + " then proves nothing).",
                options = {@Option(label = "all", value = "all"), @Option(label = "1", value = "1"),
                        @Option(label = "0", value = "0")})
        String acks() default "all";

        @AttributeDefinition(name = "Idempotence", description = "The producer's own retries write no duplicates"
                + " (needs acks=all).")
        boolean idempotence() default true;

        @AttributeDefinition(name = "Linger", description = "How long the producer waits to fill a record batch"
                + " (a duration, 0 allowed).")
        String linger() default "5ms";

        @AttributeDefinition(name = "Record batch size", description = "The producer's batch per partition"
                + " (a size: 512kB).")
        String recordBatch() default "512kB";

        @AttributeDefinition(name = "Delivery timeout", description = "How long a write may wait for the brokers"
                + " (metadata, acknowledgements, the producer's own retries) before it fails and the core retries"
                + " the batch.")
        String deliveryTimeout() default "30s";

        @AttributeDefinition(name = "Security protocol", description = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.",
                options = {@Option(label = "PLAINTEXT", value = "PLAINTEXT"), @Option(label = "SSL", value = "SSL"),
                        @Option(label = "SASL_PLAINTEXT", value = "SASL_PLAINTEXT"),
                        @Option(label = "SASL_SSL", value = "SASL_SSL")})
        String securityProtocol() default "PLAINTEXT";

        @AttributeDefinition(name = "SASL mechanism", description = "With a SASL protocol: PLAIN, SCRAM-SHA-256 or"
                + " SCRAM-SHA-512.")
        String saslMechanism() default "PLAIN";

        @AttributeDefinition(name = "SASL user", description = "With a SASL protocol: the user name.")
        String saslUsername() default "";

        @AttributeDefinition(name = "SASL password", type = AttributeType.PASSWORD,
                description = "With a SASL protocol: the user's password.")
        String saslPassword() default "";

        @AttributeDefinition(name = "Client properties", description = "More Kafka producer properties,"
                + " key=value each (ssl.truststore.location=..., max.request.size=...). Not for secrets: they show"
                + " in the console.")
        String[] clientProperties() default {};
    }

    enum Format { JSON, LINE }

    private final String topic;
    private final Format format;
    private final LineProtocol line;
    private final Properties props;
    private final String describe;
    private final SkippedSamples nonFinite;
    private final StringBuilder json = new StringBuilder(256);
    private final Bytes bytes = new Bytes(256);
    private Producer<byte[], byte[]> producer;

    /** @param cm where the SASL password is read: DS never sees it (see {@link Secrets}) */
    @Activate
    public KafkaSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props), InstanceNames.of("kafka", props));
    }

    /** @param name the instance's name ({@code kafka-fleet}), for the client id the brokers log and quota by */
    KafkaSink(Config config, Secrets secrets, String name) {
        topic = config.topic() == null ? "" : config.topic().trim();
        if (topic.isEmpty() || topic.length() > 249 || !topic.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-', got '" + topic + "'");
        }
        format = switch (config.format() == null ? "" : config.format().trim().toLowerCase(Locale.ROOT)) {
            case "json" -> Format.JSON;
            case "line" -> Format.LINE;
            default -> throw new IllegalArgumentException("format: must be json or line, got '" + config.format() + "'");
        };
        line = new LineProtocol(LineProtocol.MeasurementFrom.parse(config.measurementFrom()));
        String compression = config.compression() == null ? "" : config.compression().trim().toLowerCase(Locale.ROOT);
        switch (compression) {
            case "none", "gzip", "lz4" -> { }
            case "zstd", "snappy" -> throw new IllegalArgumentException("compression: " + compression + " needs a JNI"
                    + " library the platform does not ship; use lz4 or gzip");
            default -> throw new IllegalArgumentException("compression: must be none, gzip or lz4, got '"
                    + config.compression() + "'");
        }
        String acks = config.acks() == null ? "" : config.acks().trim().toLowerCase(Locale.ROOT);
        if (!Set.of("all", "1", "0").contains(acks)) {
            throw new IllegalArgumentException("acks: must be all, 1 or 0, got '" + config.acks() + "'");
        }
        if (config.idempotence() && !acks.equals("all")) {
            throw new IllegalArgumentException("idempotence: needs acks=all (or set idempotence=false)");
        }
        long linger = Units.durationMillis("linger", config.linger());
        long batch = Units.bytes("recordBatch", config.recordBatch());
        if (batch < 1024 || batch > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("recordBatch: must be between 1kB and 64MB, got " + config.recordBatch());
        }
        long delivery = Units.positiveDurationMillis("deliveryTimeout", config.deliveryTimeout());
        long request = Math.min(30_000, delivery - linger);
        if (request < 1000) {
            throw new IllegalArgumentException("deliveryTimeout: must be at least linger + 1s, got "
                    + config.deliveryTimeout());
        }
        Properties p = KafkaSettings.client(config.bootstrapServers(), config.securityProtocol(),
                config.saslMechanism(), config.saslUsername(), secrets.get("saslPassword"), config.clientProperties(),
                OWNED);
        p.put("acks", acks);
        p.put("enable.idempotence", String.valueOf(config.idempotence()));
        p.put("compression.type", compression);
        p.put("linger.ms", String.valueOf(linger));
        p.put("batch.size", String.valueOf(batch));
        p.put("delivery.timeout.ms", String.valueOf(delivery));
        p.put("request.timeout.ms", String.valueOf(request));
        // send() blocks while it has no metadata for the topic (brokers down): no longer than a delivery
        p.put("max.block.ms", String.valueOf(delivery));
        p.put("client.id", "lodestar-" + name.replaceAll("[^a-zA-Z0-9._-]", "_"));
        this.props = p;
        describe = "Kafka sink to " + config.bootstrapServers().trim() + " topic " + topic;
        nonFinite = SkippedSamples.nonFinite(describe, "InfluxDB line protocol", LOG::info);
        producer = create(); // now: a client property Kafka refuses fails the activation, not the first write
        LOG.info("{} ({}, {}, acks={}{}); client: {}", describe, format.name().toLowerCase(Locale.ROOT), compression,
                acks, config.idempotence() ? ", idempotent" : "", KafkaSettings.describe(p));
    }

    private Producer<byte[], byte[]> create() {
        try {
            // serializers passed as instances, other classes by name: under the client's own class loader
            return KafkaSettings.withClassLoader(KafkaProducer.class.getClassLoader(),
                    () -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
        } catch (KafkaException e) {
            throw new IllegalArgumentException("clientProperties: the Kafka client refused its configuration: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean accepts(Sample sample) {
        // JSON carries NaN and infinities as strings; line protocol cannot
        return format == Format.JSON || !nonFinite.skipNonFinite(sample);
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        if (producer == null) {
            producer = create();
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger acked = new AtomicInteger();
        try {
            for (Sample s : batch) {
                byte[] value = encode(s);
                if (value == null) {
                    continue;
                }
                producer.send(new ProducerRecord<>(topic, s.seriesKey().getBytes(StandardCharsets.UTF_8), value),
                        (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
                if (failure.get() != null) {
                    break; // the rest would fail the same way: the whole batch is retried
                }
            }
            producer.flush(); // returns when every record sent is acknowledged or failed
        } catch (KafkaException e) { // also InterruptException, which keeps the thread's interrupt flag set
            failure.compareAndSet(null, e);
        } finally {
            if (json.capacity() > KEEP_BUFFER_BYTES) {
                json.setLength(0);
                json.trimToSize();
            }
        }
        Exception e = failure.get();
        if (e != null) {
            reset();
            throw new IOException(describe + ": " + acked.get() + " of " + batch.size() + " records acknowledged: "
                    + e, e);
        }
    }

    private byte[] encode(Sample s) {
        if (format == Format.JSON) {
            json.setLength(0);
            return SampleJson.append(json, s).toString().getBytes(StandardCharsets.UTF_8);
        }
        bytes.clear();
        if (!line.append(s, bytes)) {
            nonFinite.skip(s);
            return null;
        }
        byte[] b = bytes.toByteArray();
        return java.util.Arrays.copyOf(b, b.length - 1); // without the line break: one line per record
    }

    /** Drops the producer after a failed write: the retry starts with a new one (new connections, new epoch). */
    private void reset() {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        if (p != null) {
            try {
                p.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("closing the failed producer: {}", e.toString());
            }
        }
    }

    @Deactivate
    void deactivate() {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
        LOG.info("{} stopped", describe);
    }

    @Override
    public String toString() {
        return "KafkaSink[" + topic + "]";
    }
}
