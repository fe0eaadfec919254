package lodestar.processor.naming.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

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
import lodestar.support.filter.NameFilter;
import lodestar.support.filter.TagFilter;

/**
 * Drops samples by name and tags, in Telegraf's order: namepass ({@code include}), namedrop
 * ({@code exclude}), {@code tagpass}, {@code tagdrop}. Every drop is counted by reason.
 */
@Component(name = FilterProcessor.PID, configurationPid = FilterProcessor.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Processor.class, Monitored.class})
@Designate(ocd = FilterProcessor.Config.class, factory = true)
public final class FilterProcessor implements Processor, Monitored {

    static final String PID = "lodestar.processor.filter";

    @ObjectClassDefinition(name = "Lodestar sample filter",
            description = "Telegraf-style namepass/namedrop/tagpass/tagdrop: drops samples by name globs and tag values.")
    public @interface Config {

        @AttributeDefinition(description = "Name globs a sample must match to pass (namepass): * within a"
                + " component, ** across, comma-separated. Empty: all names pass.")
        String[] include() default {};

        @AttributeDefinition(description = "Name globs that drop a sample (namedrop).")
        String[] exclude() default {};

        @AttributeDefinition(description = "key=glob1,glob2 entries (';' between entries in a .cfg file): a sample"
                + " passes only if one of these tags has a value matching one of its globs. Empty: no condition.")
        String[] tagpass() default {};

        @AttributeDefinition(description = "key=glob1,glob2 entries: a sample with one of these tags matching"
                + " is dropped.")
        String[] tagdrop() default {};

        @AttributeDefinition(name = "service.ranking", description = "Order among processors, highest first.")
        int service_ranking() default 20;
    }

    private record Rules(NameFilter names, TagFilter tagpass, TagFilter tagdrop) {
    }

    private final String name;
    private final LongAdder seen = new LongAdder();
    private final LongAdder droppedName = new LongAdder();
    private final LongAdder droppedTagpass = new LongAdder();
    private final LongAdder droppedTagdrop = new LongAdder();
    private volatile Rules rules;

    @Activate
    public FilterProcessor(Config config, Map<String, Object> props) {
        this.name = Instance.name("filter", props);
        this.rules = rules(config);
    }

    @Modified
    void modified(Config config) {
        rules = rules(config);
    }

    private static Rules rules(Config c) {
        return new Rules(NameFilter.of(c.include(), c.exclude()), TagFilter.parse("tagpass", c.tagpass()),
                TagFilter.parse("tagdrop", c.tagdrop()));
    }

    @Override
    public Sample process(Sample sample) {
        seen.increment();
        Rules r = rules;
        if (!r.names().accepts(sample.name())) {
            droppedName.increment();
            return null;
        }
        if (!r.tagpass().isEmpty() && !r.tagpass().matches(sample.tags())) {
            droppedTagpass.increment();
            return null;
        }
        if (!r.tagdrop().isEmpty() && r.tagdrop().matches(sample.tags())) {
            droppedTagdrop.increment();
            return null;
        }
        return sample;
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("seen", seen.sum());
        c.put("dropped_name", droppedName.sum());
        c.put("dropped_tagpass", droppedTagpass.sum());
        c.put("dropped_tagdrop", droppedTagdrop.sum());
        return new ComponentStatus("processor", name, State.OK, c, null);
    }
}
