package lodestar.listener.kafka.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.SamplesLostException;
import lodestar.api.State;
import lodestar.support.config.InstanceNames;
import lodestar.support.config.Units;
import lodestar.support.kafka.KafkaSettings;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;

/**
 * Consumes topics of samples (what lodestar.sink.kafka writes, or line protocol from Telegraf) in a consumer group
 * into the pipeline, and commits a record's offset only once every sink has its samples safe: written to the
 * backend or stored in the sink's disk buffer ({@link Pipeline#offerAll}). So a relay that dies loses nothing: what
 * it had not settled is consumed again, by it or by another relay of the group (at least once; a sample may arrive
 * twice). When the sinks have no room it pauses its partitions and offers the batch again; at most {@code
 * maxPending} samples are handed on and not yet settled. A record that is not samples is counted ({@code
 * bad_input}), logged and skipped.
 *
 * <p>One consumer thread does everything the Kafka consumer needs (it is not thread-safe): poll, offer, commit,
 * and the rebalance callbacks, which run inside poll: revoked partitions get what is settled committed and the
 * rest dropped (the next owner reads it again).
 */
@Component(name = KafkaListener.PID, configurationPid = KafkaListener.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Monitored.class, immediate = true)
@Designate(ocd = KafkaListener.Config.class, factory = true)
public final class KafkaListener implements Monitored {

    static final String PID = "lodestar.listener.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaListener.class);
    private static final Set<String> OWNED = Set.of("key.deserializer", "value.deserializer", "group.id",
            "enable.auto.commit", "auto.offset.reset", "max.poll.records", "client.id", "session.timeout.ms",
            "heartbeat.interval.ms");
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long RESTART_MILLIS = 2000;

    @ObjectClassDefinition(name = "Lodestar Kafka listener",
            description = "Consumes Kafka topics of samples in a consumer group into the pipeline, committing offsets"
                    + " once the sinks have the samples safe. One configuration per group:"
                    + " conf/lodestar.listener.kafka-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "Bootstrap servers", description = "Kafka brokers to start from,"
                + " host:port[,host:port...].")
        String bootstrapServers() default "127.0.0.1:9092";

        @AttributeDefinition(name = "Topics", description = "The topics to consume, comma-separated.")
        String topics() default "lodestar";

        @AttributeDefinition(name = "Group", description = "The consumer group: relays of one group share the"
                + " topics' partitions, and take over those of a relay that stops.")
        String groupId() default "lodestar-relay";

        @AttributeDefinition(name = "Format", description = "A record's value: auto = JSON when it starts with '{',"
                + " else line protocol; json = one sample as lodestar.sink.kafka writes it; line = InfluxDB line"
                + " protocol, one or more lines.",
                options = {@Option(label = "auto", value = "auto"), @Option(label = "json", value = "json"),
                        @Option(label = "line", value = "line")})
        String format() default "auto";

        @AttributeDefinition(name = "Precision (line)", description = "The unit of line-protocol timestamps: s, ms,"
                + " us or ns (lodestar.sink.kafka writes ms; Telegraf ns).",
                options = {@Option(label = "ms", value = "ms"), @Option(label = "ns", value = "ns"),
                        @Option(label = "us", value = "us"), @Option(label = "s", value = "s")})
        String precision() default "ms";

        @AttributeDefinition(name = "Start from", description = "Where a group with no committed offset starts:"
                + " earliest (everything the topic keeps) or latest (only what comes from now on).",
                options = {@Option(label = "earliest", value = "earliest"), @Option(label = "latest", value = "latest")})
        String startFrom() default "earliest";

        @AttributeDefinition(name = "Records per poll", description = "At most this many records are read and"
                + " handed on as one batch.")
        int maxPollRecords() default 5000;

        @AttributeDefinition(name = "Samples pending", description = "At most this many samples are handed on and"
                + " not yet settled by the sinks; past it the partitions are paused (bounded memory).")
        int maxPending() default 100000;

        @AttributeDefinition(name = "Record size", description = "A larger record is skipped as bad input"
                + " (a size: 64kB).")
        String maxRecordSize() default "64kB";

        @AttributeDefinition(name = "Session timeout", description = "A relay not heard of for this long is"
                + " taken for dead and its partitions go to the others of the group (the brokers allow 6s to 5m by"
                + " default). Shorter: faster takeover; too short: needless rebalances under load.")
        String sessionTimeout() default "45s";

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

        @AttributeDefinition(name = "Client properties", description = "More Kafka consumer properties,"
                + " key=value each (ssl.truststore.location=..., session.timeout.ms=...). Not for secrets: they"
                + " show in the console.")
        String[] clientProperties() default {};
    }

    /** A batch handed on and not yet committed: the offsets to commit once its stage completes. */
    private static final class Pending {
        final CompletableFuture<Void> settled;
        /** Per partition: the first offset of the batch (to seek back to) and the next one (to commit). */
        final Map<TopicPartition, long[]> offsets;
        final int samples;

        Pending(CompletableFuture<Void> settled, Map<TopicPartition, long[]> offsets, int samples) {
            this.settled = settled;
            this.offsets = offsets;
            this.samples = samples;
        }
    }

    private final String name;
    private final Pipeline pipeline;
    private final List<String> topics;
    private final Properties props;
    private final int maxPending;
    private final RecordDecoder decoder;
    private final String describe;
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog lostLog = new RateLimitedLog(10_000, LOG::warn);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<byte[], byte[]> consumer;

    // the consumer thread's own state
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private boolean paused;

    // counters, read by status() from other threads
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong badInput = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong rebalances = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong pendingSamples = new AtomicLong();
    private final AtomicLong partitions = new AtomicLong();
    private volatile boolean held;
    private volatile String failure;
    private final AtomicReference<String> lastError = new AtomicReference<>();

    @Activate
    public KafkaListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props,
            @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, pipeline, InstanceNames.of("kafka", props), Secrets.of(cm, props));
    }

    KafkaListener(Config config, Pipeline pipeline, String name, Secrets secrets) {
        this.name = name;
        this.pipeline = pipeline;
        this.topics = Arrays.stream((config.topics() == null ? "" : config.topics()).split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("topics: at least one topic");
        }
        for (String t : topics) {
            if (t.length() > 249 || !t.matches("[a-zA-Z0-9._-]+")) {
                throw new IllegalArgumentException("topics: '" + t + "' is not a topic name");
            }
        }
        String group = config.groupId() == null ? "" : config.groupId().trim();
        if (group.isEmpty()) {
            throw new IllegalArgumentException("groupId: required");
        }
        String start = config.startFrom() == null ? "" : config.startFrom().trim().toLowerCase(Locale.ROOT);
        if (!start.equals("earliest") && !start.equals("latest")) {
            throw new IllegalArgumentException("startFrom: must be earliest or latest, got '" + config.startFrom() + "'");
        }
        if (config.maxPollRecords() < 1 || config.maxPollRecords() > 100_000) {
            throw new IllegalArgumentException("maxPollRecords: must be between 1 and 100000, got " + config.maxPollRecords());
        }
        if (config.maxPending() < config.maxPollRecords()) {
            throw new IllegalArgumentException("maxPending: must be at least maxPollRecords (" + config.maxPollRecords()
                    + "), got " + config.maxPending());
        }
        this.maxPending = config.maxPending();
        long recordSize = Units.bytes("maxRecordSize", config.maxRecordSize());
        if (recordSize < 64 || recordSize > 16L * 1024 * 1024) {
            throw new IllegalArgumentException("maxRecordSize: must be between 64B and 16MB, got " + config.maxRecordSize());
        }
        this.decoder = new RecordDecoder(config.format(), config.precision(), (int) recordSize);
        Properties p = KafkaSettings.client(config.bootstrapServers(), config.securityProtocol(),
                config.saslMechanism(), config.saslUsername(), secrets.get("saslPassword"), config.clientProperties(),
                OWNED);
        p.put("group.id", group);
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", start);
        p.put("max.poll.records", String.valueOf(config.maxPollRecords()));
        long session = Units.positiveDurationMillis("sessionTimeout", config.sessionTimeout());
        if (session < 1000 || session > 3_600_000) {
            throw new IllegalArgumentException("sessionTimeout: must be between 1s and 1h, got " + config.sessionTimeout());
        }
        p.put("session.timeout.ms", String.valueOf(session));
        p.put("heartbeat.interval.ms", String.valueOf(Math.max(100, session / 3)));
        p.putIfAbsent("fetch.max.bytes", String.valueOf(16 * 1024 * 1024)); // bounded memory under -Xmx256m
        p.put("client.id", "lodestar-" + name.replaceAll("[^a-zA-Z0-9._-]", "_"));
        this.props = p;
        this.describe = "Kafka listener " + name + " (" + config.bootstrapServers().trim() + ", topics " + topics
                + ", group " + group + ")";
        // a property the client refuses fails the activation, not the consumer thread
        create().close(Duration.ZERO);
        thread = new Thread(this::run, "lodestar-kafka-" + name);
        thread.setDaemon(true);
        thread.start();
        LOG.info("{} started; client: {}", describe, KafkaSettings.describe(p));
    }

    private Consumer<byte[], byte[]> create() {
        try {
            // deserializers passed as instances; the assignors and metric reporters are named: the client's loader
            return KafkaSettings.withClassLoader(KafkaConsumer.class.getClassLoader(),
                    () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        } catch (KafkaException e) {
            throw new IllegalArgumentException("clientProperties: the Kafka client refused its configuration: "
                    + e.getMessage(), e);
        }
    }

    /** The consumer thread: consumes until stopped; a failed consumer is replaced after a pause. */
    private void run() {
        while (running) {
            Consumer<byte[], byte[]> c = null;
            try {
                c = create();
                consumer = c;
                if (!running) {
                    break; // stopped while the consumer was created: its wakeup went nowhere
                }
                c.subscribe(topics, new Rebalance(c));
                failure = null;
                consume(c);
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException | Error e) {
                if (!running) {
                    break;
                }
                failure = e.toString();
                lastError.set(e.toString());
                restarts.incrementAndGet();
                LOG.error("{} failed, restarting in {} ms", describe, RESTART_MILLIS, e);
                dropAll();
            } finally {
                if (c != null) {
                    close(c);
                }
            }
            if (running) {
                try {
                    Thread.sleep(RESTART_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void consume(Consumer<byte[], byte[]> c) {
        while (running) {
            ConsumerRecords<byte[], byte[]> polled = c.poll(POLL);
            if (!polled.isEmpty()) {
                hand(c, polled);
            }
            settle(c, false);
            boolean full = pendingSamples.get() >= maxPending;
            pause(c, full);
        }
    }

    /** Decodes the records, offers their samples until the sinks take them, and queues their offsets. */
    private void hand(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> polled) {
        Map<TopicPartition, List<Sample>> byPartition = new LinkedHashMap<>();
        Map<TopicPartition, long[]> offsets = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            List<Sample> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                records.incrementAndGet();
                try {
                    decoder.decode(r.value(), out);
                } catch (IllegalArgumentException e) {
                    badInput.incrementAndGet();
                    badLog.log(() -> describe + ": skipped record " + tp + "@" + r.offset() + ": " + e.getMessage()
                            + ": " + (r.value() == null ? "null" : LogText.of(r.value(), 0, r.value().length))
                            + " (" + badInput.get() + " skipped so far)");
                }
                long[] o = offsets.computeIfAbsent(tp, k -> new long[] {r.offset(), r.offset() + 1});
                o[1] = r.offset() + 1;
            }
            byPartition.put(tp, out);
        }
        while (true) {
            byPartition.keySet().retainAll(offsets.keySet()); // a rebalance while held back may have revoked some
            List<Sample> batch = new ArrayList<>();
            byPartition.values().forEach(batch::addAll);
            if (offsets.isEmpty()) {
                return;
            }
            Optional<CompletionStage<Void>> stage = batch.isEmpty() ? Optional.of(CompletableFuture.completedFuture(null))
                    : pipeline.offerAll(batch);
            if (stage.isPresent()) {
                pending.add(new Pending(stage.get().toCompletableFuture(), offsets, batch.size()));
                pendingSamples.addAndGet(batch.size());
                samples.addAndGet(batch.size());
                held = false;
                return;
            }
            // no room in some sink: hold the partitions, keep the group membership alive, offer again
            refused.incrementAndGet();
            held = true;
            pause(c, true);
            pendingOffsets = offsets;
            try {
                c.poll(POLL); // everything paused: returns nothing, runs rebalance callbacks
            } finally {
                pendingOffsets = null;
            }
            settle(c, false);
            if (!running) {
                return; // not committed: read again after the restart
            }
        }
    }

    /** The offsets of the batch being held back, for the rebalance callbacks to trim. */
    private Map<TopicPartition, long[]> pendingOffsets;

    private void pause(Consumer<byte[], byte[]> c, boolean pause) {
        if (pause) {
            c.pause(c.assignment()); // every time: partitions assigned since are paused too
            paused = true;
        } else if (paused) {
            c.resume(c.paused());
            paused = false;
        }
    }

    /**
     * Commits the offsets of the settled batches at the head of the queue (in order: a later batch that settled
     * first waits for the earlier ones). A batch a sink lost part of is read again: its partitions are sought back
     * to its first offsets and what was queued after it on them is not committed.
     */
    private void settle(Consumer<byte[], byte[]> c, boolean sync) {
        while (!pending.isEmpty() && pending.peek().settled.isDone()) {
            Pending p = pending.poll();
            pendingSamples.addAndGet(-p.samples);
            Throwable error = null;
            try {
                p.settled.get();
            } catch (ExecutionException | CompletionException e) {
                error = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.CancellationException e) {
                error = e;
            }
            if (error != null) {
                lost.incrementAndGet();
                Throwable why = error;
                lastError.set(String.valueOf(why.getMessage()));
                lostLog.log(() -> describe + ": " + (why instanceof SamplesLostException ? why.getMessage()
                        : why.toString()) + "; reading those records again (partitions " + p.offsets.keySet() + ")");
                for (Map.Entry<TopicPartition, long[]> e : p.offsets.entrySet()) {
                    TopicPartition tp = e.getKey();
                    if (c.assignment().contains(tp)) {
                        c.seek(tp, e.getValue()[0]);
                    }
                    toCommit.remove(tp);
                    for (Pending later : pending) {
                        later.offsets.remove(tp);
                    }
                }
                continue;
            }
            for (Map.Entry<TopicPartition, long[]> e : p.offsets.entrySet()) {
                toCommit.put(e.getKey(), new OffsetAndMetadata(e.getValue()[1]));
            }
        }
        toCommit.keySet().retainAll(c.assignment());
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> now = Map.copyOf(toCommit);
        toCommit.clear();
        if (sync) {
            c.commitSync(now);
            commits.incrementAndGet();
        } else {
            c.commitAsync(now, (offsets, e) -> {
                if (e == null) {
                    commits.incrementAndGet();
                } else {
                    // a later commit of the same partitions covers these; a lost one means records read again
                    lastError.set("commit: " + e);
                    LOG.debug("{}: commit failed: {}", describe, e.toString());
                }
            });
        }
    }

    /** Forgets every batch in flight: its records are read again from the last commit. */
    private void dropAll() {
        pending.clear();
        toCommit.clear();
        pendingSamples.set(0);
        paused = false;
    }

    /** Commits what the sinks settled (waiting a moment for what is in flight) and closes the consumer. */
    private void close(Consumer<byte[], byte[]> c) {
        consumer = null;
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!pending.isEmpty() && !pending.peekLast().settled.isDone() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            try {
                settle(c, true);
            } catch (WakeupException e) {
                settle(c, true); // a wakeup that came after the last poll: the commit goes through on the second try
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.info("{}: last commit failed ({}): those records are read again", describe, e.toString());
        }
        dropAll();
        try {
            c.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("{}: close: {}", describe, e.toString());
        }
        partitions.set(0);
    }

    /** Runs inside poll, on the consumer thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> c;

        Rebalance(Consumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            rebalances.incrementAndGet();
            try {
                settle(c, true); // what the sinks settled is committed before the next owner starts
            } catch (RuntimeException e) {
                LOG.info("{}: commit on revocation failed ({}): the next owner reads those records again", describe,
                        e.toString());
            }
            forget(revoked);
            LOG.info("{}: partitions revoked: {}", describe, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lostPartitions) {
            rebalances.incrementAndGet();
            forget(lostPartitions);
            LOG.info("{}: partitions lost: {}", describe, lostPartitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            partitions.set(c.assignment().size());
            if (paused) {
                c.pause(assigned);
            }
            if (!assigned.isEmpty()) {
                LOG.info("{}: partitions assigned: {}", describe, assigned);
            }
        }

        /** Unsettled batches of these partitions are not committed here: the next owner reads them again. */
        private void forget(Collection<TopicPartition> gone) {
            Set<TopicPartition> set = new HashSet<>(gone);
            for (Pending p : pending) {
                p.offsets.keySet().removeAll(set);
            }
            if (pendingOffsets != null) {
                pendingOffsets.keySet().removeAll(set);
            }
            toCommit.keySet().removeAll(set);
            partitions.set(Math.max(0, c.assignment().size() - set.size()));
        }
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("packets", records.get());
        counters.put("samples", samples.get());
        counters.put("bad_input", badInput.get());
        counters.put("restarts", restarts.get());
        counters.put("refused_offers", refused.get());
        counters.put("commits", commits.get());
        counters.put("lost_batches", lost.get());
        counters.put("rebalances", rebalances.get());
        counters.put("pending_samples", pendingSamples.get());
        counters.put("partitions", partitions.get());
        State state;
        String detail;
        if (!running) {
            state = State.STOPPED;
            detail = null;
        } else if (failure != null) {
            state = State.FAILED;
            detail = "consumer-failed";
        } else if (held) {
            state = State.DEGRADED;
            detail = "sinks-full";
        } else {
            state = State.OK;
            detail = null;
        }
        return new ComponentStatus("listener", name, state, detail, counters, Set.of("pending_samples", "partitions"),
                failure != null ? failure : lastError.get());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(15_000);
        LOG.info("{} stopped ({} records, {} samples, {} bad records skipped)", describe, records.get(), samples.get(),
                badInput.get());
    }

    @Override
    public String toString() {
        return "KafkaListener[" + name + "]";
    }
}
