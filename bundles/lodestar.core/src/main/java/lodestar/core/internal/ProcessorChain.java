package lodestar.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Processor;
import lodestar.api.Sample;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * The {@link Processor}s every sample passes through, highest {@code service.ranking} first (then oldest
 * service), and the global tags after them. Runs on the producer's thread; a processor that throws is
 * logged (rate-limited) and counted, and the sample passes on unchanged, or is dropped when the core is
 * configured so ({@code processorDropOnError}, Bucky's {@code processor_drop_on_error}).
 */
final class ProcessorChain {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorChain.class);

    private final Map<Processor, Map<String, Object>> props = new ConcurrentHashMap<>();
    private final RateLimitedLog errorLog = new RateLimitedLog(60_000, LOG::warn);
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final RateLimitedLog rejectedLog = new RateLimitedLog(60_000, LOG::warn);
    private volatile Processor[] chain = new Processor[0];

    void put(Processor p, Map<String, Object> properties) {
        props.put(p, properties);
        rebuild();
    }

    void remove(Processor p) {
        props.remove(p);
        rebuild();
    }

    private synchronized void rebuild() {
        Comparator<Map.Entry<Processor, Map<String, Object>>> byRank = Comparator
                .comparingInt((Map.Entry<Processor, Map<String, Object>> e) -> Props.integer(e.getValue(), Constants.SERVICE_RANKING, 0))
                .reversed()
                .thenComparingLong(e -> Long.parseLong(Props.string(e.getValue(), Constants.SERVICE_ID, "0")));
        chain = props.entrySet().stream().sorted(byRank).map(Map.Entry::getKey).toArray(Processor[]::new);
    }

    /**
     * The samples to hand to the sinks: processed, those a processor dropped left out, global tags added, and
     * those over the size limits refused (counted, logged at most once a minute).
     */
    List<Sample> process(Collection<Sample> in, GlobalTags tags, SampleLimits limits) {
        return process(in, tags, limits, false);
    }

    /** As {@link #process(Collection, GlobalTags, SampleLimits)}; {@code dropOnError}: a throwing processor drops the sample. */
    List<Sample> process(Collection<Sample> in, GlobalTags tags, SampleLimits limits, boolean dropOnError) {
        received.add(in.size());
        Processor[] c = chain;
        if (c.length == 0 && tags.isEmpty() && withinLimits(in, limits)) {
            return in instanceof List<Sample> l ? l : new ArrayList<>(in);
        }
        List<Sample> out = new ArrayList<>(in.size());
        for (Sample s : in) {
            if (refused(s, limits)) {
                continue;
            }
            Sample cur = s;
            for (Processor p : c) {
                try {
                    cur = p.process(cur);
                } catch (RuntimeException e) {
                    errors.increment();
                    Sample failed = cur;
                    errorLog.log(() -> "processor " + p.getClass().getName() + " threw " + LogText.of(String.valueOf(e))
                            + " on " + LogText.of(String.valueOf(failed)) + (dropOnError
                                    ? "; the sample is dropped (processorDropOnError=true)"
                                    : "; the sample passes on unchanged (processorDropOnError=false)"));
                    if (dropOnError) {
                        cur = null;
                    }
                }
                if (cur == null) {
                    break;
                }
            }
            if (cur == null) {
                dropped.increment();
            } else {
                out.add(tags.applyTo(cur));
            }
        }
        return out;
    }

    private static boolean withinLimits(Collection<Sample> in, SampleLimits limits) {
        for (Sample s : in) {
            if (limits.violation(s) != null) {
                return false;
            }
        }
        return true;
    }

    private boolean refused(Sample s, SampleLimits limits) {
        String why = limits.violation(s);
        if (why == null) {
            return false;
        }
        rejected.increment();
        rejectedLog.log(() -> "refused a sample with " + why + ": '" + LogText.of(s.name()) + "'; " + rejected.sum() + " so far");
        return true;
    }

    long received() {
        return received.sum();
    }

    long dropped() {
        return dropped.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** Samples refused for their size. */
    long rejected() {
        return rejected.sum();
    }

    int size() {
        return chain.length;
    }
}
