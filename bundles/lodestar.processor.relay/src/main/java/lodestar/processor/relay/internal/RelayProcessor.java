package lodestar.processor.relay.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Processor;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.api.Tags;
import lodestar.processor.relay.internal.Rules.Aggregate;
import lodestar.processor.relay.internal.Rules.Match;
import lodestar.processor.relay.internal.Rules.Rewrite;
import lodestar.processor.relay.internal.Rules.Rule;
import lodestar.support.config.InstanceNames;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * carbon-c-relay's routing rules as a processor: {@code match} (regex, prefix or {@code *}) {@code send to} a cluster
 * or {@code blackhole}, {@code rewrite} with capture groups, {@code stop}, and {@code aggregate} (sum, count, min,
 * max, average, median, percentiles, variance, stddev over buckets with an expiry), written in carbon-c-relay's own
 * syntax. A cluster is a Graphite sink configuration: {@code send to main} tags the sample
 * {@code relay_to_main=1}, and that sink selects with {@code tagpass=relay_to_main=*} (the Graphite sink does not
 * write {@code relay_to_*} tags, so names and ring placement stay as carbon-c-relay's).
 */
@Component(name = RelayProcessor.PID, configurationPid = RelayProcessor.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Processor.class, Monitored.class})
@Designate(ocd = RelayProcessor.Config.class, factory = true)
public final class RelayProcessor implements Processor, Monitored {

    static final String PID = "lodestar.processor.relay";
    /** The tag key prefix a {@code send to <cluster>} sets; a sink selects its cluster with tagpass on it. */
    static final String ROUTE_PREFIX = "relay_to_";

    private static final Logger LOG = LoggerFactory.getLogger(RelayProcessor.class);

    @ObjectClassDefinition(name = "Lodestar relay rules",
            description = "carbon-c-relay's match, rewrite, send to, stop and aggregate statements, in its own syntax.")
    public @interface Config {

        @AttributeDefinition(description = "carbon-c-relay statements, each ended by ';': match <* | regex ...>"
                + " send to <cluster ... | blackhole> [stop]; rewrite <regex> into <replacement>; aggregate <regex ...>"
                + " every N seconds expire after M seconds [timestamp at start|middle|end of bucket] compute"
                + " sum|count|min|max|average|median|percentile<N>|variance|stddev write to <metric> ... [send to <cluster"
                + " ...>] [stop]; In a .cfg file continue lines with a trailing backslash.")
        String rules() default "";

        @AttributeDefinition(description = "Most aggregate output series held at once; new ones beyond are dropped"
                + " and counted (series_over_limit).")
        int maxSeries() default 100_000;

        @AttributeDefinition(name = "service.ranking", description = "Order among processors, highest first"
                + " (timewindow 30, filter 20, naming 10, relay 5).")
        int service_ranking() default 5;
    }

    /** How the samples the aggregator emits on this thread are to be treated by process(). */
    private enum Emitting { NO, RESUBMIT, DIRECT }

    private static final ThreadLocal<Emitting> EMITTING = ThreadLocal.withInitial(() -> Emitting.NO);

    private record State2(Rules rules, Aggregator aggregator) {
    }

    private final String name;
    private final Pipeline pipeline;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private final RateLimitedLog log = new RateLimitedLog(60_000, LOG::warn);
    private final LongAdder seen = new LongAdder();
    private final LongAdder rewritten = new LongAdder();
    private final LongAdder routed = new LongAdder();
    private final LongAdder blackholed = new LongAdder();
    private final LongAdder emitted = new LongAdder();
    private volatile State2 state;

    @Activate
    public RelayProcessor(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        this(config, pipeline, props, System::currentTimeMillis, true);
    }

    RelayProcessor(Config config, Pipeline pipeline, Map<String, Object> props, LongSupplier clock, boolean timer) {
        this.name = InstanceNames.of("relay", props);
        this.pipeline = pipeline;
        this.clock = clock;
        this.state = state(config);
        if (timer) {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lodestar-relay-aggregator-" + name);
                t.setDaemon(true);
                return t;
            });
            this.timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        } else {
            this.timer = null;
        }
        LOG.info("relay rules {}: {} statements", name, state.rules().list().size());
    }

    private static State2 state(Config c) {
        if (c.maxSeries() < 1) {
            throw new IllegalArgumentException("maxSeries: must be at least 1, got " + c.maxSeries());
        }
        return new State2(Rules.parse(c.rules()), new Aggregator(c.maxSeries()));
    }

    /** New rules take effect at once; open aggregation buckets of the old rules are emitted as they stand. */
    @Modified
    void modified(Config config) {
        State2 fresh = state(config);
        State2 old = state;
        state = fresh;
        emit(old.aggregator().expire(Long.MAX_VALUE / 2));
    }

    @Deactivate
    void deactivate() {
        if (timer != null) {
            timer.shutdownNow();
        }
        emit(state.aggregator().expire(Long.MAX_VALUE / 2));
    }

    /** Emits the aggregates final now; called every second. */
    void tick() {
        try {
            emit(state.aggregator().expire(clock.getAsLong()));
        } catch (RuntimeException e) {
            log.log(() -> "relay " + name + ": emitting aggregates failed: " + LogText.of(String.valueOf(e)));
        }
    }

    private void emit(List<Aggregator.Result> results) {
        if (results.isEmpty()) {
            return;
        }
        List<Sample> resubmit = new ArrayList<>();
        List<Sample> direct = new ArrayList<>();
        for (Aggregator.Result r : results) {
            Sample s = new Sample(r.name(), Tags.EMPTY, r.value(), r.timestampMillis(), Kind.GAUGE);
            if (r.rule().clusters().isEmpty()) {
                resubmit.add(s);
            } else {
                direct.add(routeTo(s, r.rule().clusters()));
            }
        }
        emitted.add(results.size());
        Emitting before = EMITTING.get();
        try {
            if (!resubmit.isEmpty()) {
                EMITTING.set(Emitting.RESUBMIT);
                pipeline.emitAll(resubmit);
            }
            if (!direct.isEmpty()) {
                EMITTING.set(Emitting.DIRECT);
                pipeline.emitAll(direct);
            }
        } finally {
            EMITTING.set(before);
        }
    }

    @Override
    public Sample process(Sample sample) {
        Emitting emitting = EMITTING.get();
        if (emitting == Emitting.DIRECT) {
            return sample; // an aggregate with its own send to: routed already, as carbon-c-relay sends it
        }
        seen.increment();
        State2 st = state;
        String metric = sample.name();
        List<String> clusters = null;
        boolean blackhole = false;
        for (Rule rule : st.rules().list()) {
            if (rule instanceof Rewrite rw) {
                Matcher m = rw.expr().regex().matcher(metric);
                if (m.find()) {
                    metric = Rules.rewrite(metric, m, rw.replacement());
                }
            } else if (rule instanceof Match mt) {
                if (!mt.matches(metric)) {
                    continue;
                }
                if (mt.clusters().get(0).equals(Rules.BLACKHOLE)) {
                    blackhole = true;
                } else {
                    if (clusters == null) {
                        clusters = new ArrayList<>(2);
                    }
                    for (String c : mt.clusters()) {
                        if (!clusters.contains(c)) {
                            clusters.add(c);
                        }
                    }
                }
                if (mt.stop()) {
                    break;
                }
            } else if (rule instanceof Aggregate ag) {
                // aggregates are not aggregated again: carbon-c-relay would loop on a rule matching its own output
                if (emitting == Emitting.RESUBMIT || sample.kind() == Kind.HISTOGRAM) {
                    continue; // a whole distribution is no single value to add up
                }
                Matcher m = ag.match(metric);
                if (m == null) {
                    continue;
                }
                st.aggregator().add(ag, m, sample.value(), sample.timestamp(), clock.getAsLong());
                if (ag.stop()) {
                    break;
                }
            }
        }
        if (clusters == null && blackhole) {
            blackholed.increment();
            return null;
        }
        Sample out = sample;
        if (!metric.equals(sample.name())) {
            if (metric.isEmpty()) {
                log.log(() -> "relay " + name + ": a rewrite left '" + LogText.of(sample.name()) + "' empty; kept as it was");
            } else {
                out = out.withName(metric);
                rewritten.increment();
            }
        }
        if (clusters != null) {
            out = routeTo(out, clusters);
            routed.increment();
        }
        return out;
    }

    private static Sample routeTo(Sample s, List<String> clusters) {
        Tags tags = s.tags();
        for (String c : clusters) {
            tags = tags.with(ROUTE_PREFIX + c, "1");
        }
        return s.withTags(tags);
    }

    @Override
    public ComponentStatus status() {
        Aggregator a = state.aggregator();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("seen", seen.sum());
        c.put("rewritten", rewritten.sum());
        c.put("routed", routed.sum());
        c.put("blackholed", blackholed.sum());
        c.put("aggregated", a.aggregated.sum());
        c.put("aggregates_emitted", emitted.sum());
        c.put("aggregate_series", (long) a.seriesCount());
        c.put("too_late", a.late.sum());
        c.put("too_early", a.early.sum());
        c.put("series_over_limit", a.overLimit.sum());
        return new ComponentStatus("processor", name, State.OK, c, null);
    }
}
