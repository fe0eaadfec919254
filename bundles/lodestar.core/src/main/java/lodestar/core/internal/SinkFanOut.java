package lodestar.core.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.RunnerProperties;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.api.Sink;
import lodestar.api.State;
import lodestar.support.config.Units;

/**
 * Every {@link Sink} and its {@link SinkRunner}: the runner settings of each sink are the core's defaults
 * overridden by the {@link RunnerProperties} in the sink's own configuration, read and validated here and
 * nowhere else. A sink whose runner settings are invalid gets no runner and shows as
 * {@link State#FAILED failed} with the property named, until its configuration is fixed; the other sinks go on.
 * Sinks with the service property {@code lodestar.sink.tags=true} (tag-based backends) get the core's host
 * tag added to what they receive; the others get the samples as they are. Sinks without
 * {@link Sink#NATIVE_HISTOGRAMS} get {@link lodestar.api.Kind#HISTOGRAM} samples flattened ({@link HistogramFlattener}),
 * once per batch for all of them.
 */
final class SinkFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(SinkFanOut.class);

    private final Map<Sink, SinkRunner> runners = new ConcurrentHashMap<>();
    private final Map<Sink, Map<String, Object>> props = new ConcurrentHashMap<>();
    /** sinks whose runner settings are invalid: their status, naming the property */
    private final Map<Sink, ComponentStatus> refused = new ConcurrentHashMap<>();
    private volatile SinkRunner[] snapshot = new SinkRunner[0];
    /** the runners of tag-based sinks, which get the host tag */
    private final Set<SinkRunner> tagged = ConcurrentHashMap.newKeySet();
    /** the runners of sinks that take histograms whole */
    private final Set<SinkRunner> nativeHistograms = ConcurrentHashMap.newKeySet();
    private volatile CoreSettings settings;
    private volatile boolean stopped;

    SinkFanOut(CoreSettings settings) {
        this.settings = settings;
    }

    /** A new sink, or new service properties of a known one. */
    synchronized void put(Sink sink, Map<String, Object> properties) {
        if (stopped) {
            return;
        }
        props.put(sink, properties);
        SinkRunner running = runners.get(sink);
        String name = running != null ? running.name() : uniqueName(Names.of(properties), sink);
        RunnerSettings rs;
        try {
            rs = settings.runnerDefaults().overriddenBy(properties);
        } catch (IllegalArgumentException e) {
            if (running != null) {
                LOG.error("sink {}: new settings ignored, the running ones stay: {}", name, e.getMessage());
            } else {
                LOG.error("sink {} not started: {}", name, e.getMessage());
                refused.put(sink, new ComponentStatus("sink", name, State.FAILED, "invalid-settings", Map.of(), e.getMessage()));
            }
            return;
        }
        refused.remove(sink);
        if (running != null) {
            running.update(rs);
            markTagged(running, properties);
            return;
        }
        SinkRunner r = new SinkRunner(name, sink, rs, settings.spoolDirectory().resolve(Names.pathComponent(name)));
        runners.put(sink, r);
        markTagged(r, properties);
        r.start();
        rebuild();
        LOG.info("sink {} started (batch {}, flush {}, buffer {} samples in memory, {} bytes on disk)", name, rs.batchSize(),
                Units.formatDuration(rs.flushIntervalMillis()), rs.capacity(), rs.bufferDiskBytes());
    }

    /** The sink goes: what its runner holds is written first (up to {@code shutdownTimeout}). */
    void remove(Sink sink) {
        SinkRunner r;
        synchronized (this) {
            props.remove(sink);
            refused.remove(sink);
            r = runners.remove(sink);
            if (r != null) {
                tagged.remove(r);
                nativeHistograms.remove(r);
                rebuild();
            }
        }
        if (r != null) {
            // the sink is still usable during unbind: write what it holds before it goes
            r.stop(settings.shutdownTimeoutMillis());
            LOG.info("sink {} removed", r.name());
        }
    }

    /** New core settings: every running sink's defaults change where its own configuration sets nothing. */
    synchronized void configure(CoreSettings s) {
        CoreSettings old = settings;
        settings = s;
        if (!old.runnerDefaults().equals(s.runnerDefaults())) {
            for (Map.Entry<Sink, Map<String, Object>> e : props.entrySet()) {
                put(e.getKey(), e.getValue());
            }
        }
    }

    /** {@code wanted}, or {@code wanted#2}, ... when another sink, running or refused, has that name already. */
    private String uniqueName(String wanted, Sink self) {
        return Names.unique(wanted, name -> runners.entrySet().stream().anyMatch(e -> e.getKey() != self && e.getValue().name().equals(name))
                || refused.entrySet().stream().anyMatch(e -> e.getKey() != self && e.getValue().name().equals(name)));
    }

    private void rebuild() {
        snapshot = runners.values().stream().sorted(Comparator.comparing(SinkRunner::name)).toArray(SinkRunner[]::new);
    }

    private void markTagged(SinkRunner r, Map<String, Object> properties) {
        mark(tagged, r, properties.get(Sink.TAGGED));
        mark(nativeHistograms, r, properties.get(Sink.NATIVE_HISTOGRAMS));
    }

    private static void mark(Set<SinkRunner> set, SinkRunner r, Object flag) {
        if (flag != null && Boolean.parseBoolean(String.valueOf(flag).trim())) {
            set.add(r);
        } else {
            set.remove(r);
        }
    }

    /** Hands the samples to every sink's runner; never blocks on a backend. */
    void offer(List<Sample> samples) {
        Variants v = new Variants(samples, settings.hostTag());
        for (SinkRunner r : snapshot) {
            r.offer(v.forRunner(r));
        }
    }

    /**
     * Hands the samples to every sink's runner if every one has room for them; see
     * {@link lodestar.api.Pipeline#offerAll}. The room check and the hand-over are not one atomic step: a producer
     * using {@link #offer} at the same moment may still overflow a buffer, which the returned stage then reports.
     */
    Optional<CompletionStage<Void>> offerTracked(List<Sample> samples) {
        SinkRunner[] runners = snapshot;
        Variants v = new Variants(samples, settings.hostTag());
        for (SinkRunner r : runners) {
            if (!r.hasRoom(v.forRunner(r).size())) {
                return Optional.empty();
            }
        }
        if (runners.length == 0) {
            return Optional.of(CompletableFuture.completedFuture(null));
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger open = new AtomicInteger(runners.length);
        for (SinkRunner r : runners) {
            r.offerTracked(v.forRunner(r)).whenComplete((ok, failure) -> {
                if (failure != null) {
                    all.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else if (open.decrementAndGet() == 0) {
                    all.complete(null);
                }
            });
        }
        return Optional.of(all);
    }

    /** The batch as each kind of sink gets it (with or without the host tag, histograms whole or flattened), made once. */
    private final class Variants {
        private final List<Sample> samples;
        private final Tags host;
        private final boolean histograms;
        private List<Sample> withHost;
        private List<Sample> flat;
        private List<Sample> flatWithHost;

        Variants(List<Sample> samples, Tags host) {
            this.samples = samples;
            this.host = host;
            this.histograms = HistogramFlattener.hasHistograms(samples);
        }

        List<Sample> forRunner(SinkRunner r) {
            boolean addHost = host != null && tagged.contains(r);
            boolean flatten = histograms && !nativeHistograms.contains(r);
            if (flatten) {
                if (flat == null) {
                    flat = HistogramFlattener.flatten(samples);
                }
                if (addHost) {
                    if (flatWithHost == null) {
                        flatWithHost = withHost(flat, host);
                    }
                    return flatWithHost;
                }
                return flat;
            }
            if (addHost) {
                if (withHost == null) {
                    withHost = withHost(samples, host);
                }
                return withHost;
            }
            return samples;
        }
    }

    private static List<Sample> withHost(List<Sample> samples, Tags host) {
        List<Sample> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            // the sample's own host tag (a collectd host, a StatsD client's) wins
            out.add(s.tags().get("host") != null ? s : s.withTags(s.tags().with("host", host.get("host"))));
        }
        return out;
    }

    /** Whether every running sink has room for {@code n} more samples now. */
    boolean hasRoom(int n) {
        for (SinkRunner r : snapshot) {
            if (!r.hasRoom(n)) {
                return false;
            }
        }
        return true;
    }

    /** The running sinks, by name. */
    SinkRunner[] runners() {
        return snapshot;
    }

    /** Running and refused sinks, by name. */
    List<ComponentStatus> status() {
        List<ComponentStatus> l = new ArrayList<>();
        for (SinkRunner r : snapshot) {
            l.add(r.status());
        }
        l.addAll(refused.values());
        l.sort(Comparator.comparing(ComponentStatus::name));
        return l;
    }

    /**
     * Stops every runner in parallel, so N slow backends take one {@code shutdownTimeout}, not N; each writes
     * what it holds first.
     */
    void stopAll() {
        List<SinkRunner> all;
        synchronized (this) {
            stopped = true;
            all = List.of(snapshot);
            runners.clear();
            tagged.clear();
            nativeHistograms.clear();
            refused.clear();
            snapshot = new SinkRunner[0];
        }
        List<Thread> stoppers = new ArrayList<>();
        for (SinkRunner r : all) {
            Thread t = new Thread(() -> {
                r.stop(settings.shutdownTimeoutMillis());
                // said here too: at shutdown SCR may dispose the core before it unbinds the sinks
                LOG.info("sink {} removed", r.name());
            }, "lodestar-stop-" + r.name());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
