package lodestar.processor.naming.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Monitored;
import lodestar.api.Processor;
import lodestar.api.Sample;
import lodestar.support.config.Units;

/**
 * Drops samples stamped too far in the future or the past (a sender with a wrong clock, a replay of old
 * data), counting each. Bucky ships no such filter, only the hook; the defaults are ours (see README).
 */
@Component(name = TimeWindowProcessor.PID, configurationPid = TimeWindowProcessor.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Processor.class, Monitored.class})
@Designate(ocd = TimeWindowProcessor.Config.class, factory = true)
public final class TimeWindowProcessor implements Processor, Monitored {

    static final String PID = "lodestar.processor.timewindow";

    @ObjectClassDefinition(name = "Lodestar time window",
            description = "Drops samples whose timestamp is too far in the future or the past.")
    public @interface Config {

        @AttributeDefinition(description = "Drop samples more than this far ahead of this machine's clock"
                + " (a duration: 60s, 5m); 0: no limit.")
        String future() default "60s";

        @AttributeDefinition(description = "Drop samples older than this (a duration: 1h, 2d); 0: no limit.")
        String past() default "1h";

        @AttributeDefinition(name = "service.ranking", description = "Order among processors, highest first.")
        int service_ranking() default 30;
    }

    private record Window(long future, long past) {
    }

    private final String name;
    private final LongSupplier clock;
    private final LongAdder seen = new LongAdder();
    private final LongAdder droppedFuture = new LongAdder();
    private final LongAdder droppedPast = new LongAdder();
    private volatile Window window;

    @Activate
    public TimeWindowProcessor(Config config, Map<String, Object> props) {
        this(config, props, System::currentTimeMillis);
    }

    TimeWindowProcessor(Config config, Map<String, Object> props, LongSupplier clock) {
        this.name = Instance.name("timewindow", props);
        this.clock = clock;
        this.window = window(config);
    }

    @Modified
    void modified(Config config) {
        window = window(config);
    }

    private static Window window(Config c) {
        return new Window(Units.durationMillis("future", c.future()), Units.durationMillis("past", c.past()));
    }

    @Override
    public Sample process(Sample sample) {
        seen.increment();
        Window w = window;
        long now = clock.getAsLong();
        long t = sample.timestamp();
        if (w.future() > 0 && t - now > w.future()) {
            droppedFuture.increment();
            return null;
        }
        if (w.past() > 0 && now - t > w.past()) {
            droppedPast.increment();
            return null;
        }
        return sample;
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("seen", seen.sum());
        c.put("dropped_future", droppedFuture.sum());
        c.put("dropped_past", droppedPast.sum());
        return new ComponentStatus("processor", name, State.OK, c, null);
    }
}
