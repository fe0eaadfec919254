package lodestar.processor.naming.internal;

import java.util.LinkedHashMap;
import java.util.List;
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
import lodestar.api.Tags;
import lodestar.support.filter.NameFilter;

/**
 * Name rules as a processor: prefix and postfix components, the host (from a tag) reversed and trimmed
 * into the name, '.' inside components replaced, adjacent duplicate components stripped (Bucky's rules,
 * with its option names in the descriptions, so a Bucky configuration carries over).
 * Runs only when configured, so installing the bundle renames nothing by itself.
 */
@Component(name = NamingProcessor.PID, configurationPid = NamingProcessor.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Processor.class, Monitored.class})
@Designate(ocd = NamingProcessor.Config.class, factory = true)
public final class NamingProcessor implements Processor, Monitored {

    static final String PID = "lodestar.processor.naming";

    @ObjectClassDefinition(name = "Lodestar naming rules",
            description = "Bucky's name rules: prefix/postfix, host reversed and trimmed into the name,"
                    + " '.' in components replaced, duplicate adjacent components stripped.")
    public @interface Config {

        @AttributeDefinition(description = "One component put first (Bucky's name_prefix). A '.' in it is"
                + " replaced like in any component; use prefixParts for several. Empty: none.")
        String prefix() default "";

        @AttributeDefinition(description = "Components after prefix (Bucky's name_prefix_parts), comma-separated"
                + " in a .cfg file.")
        String[] prefixParts() default {};

        @AttributeDefinition(description = "Components before postfix (Bucky's name_postfix_parts).")
        String[] postfixParts() default {};

        @AttributeDefinition(description = "One component put last (Bucky's name_postfix). Empty: none.")
        String postfix() default "";

        @AttributeDefinition(description = "Replaces '.' inside components (Bucky's name_replace_char, default"
                + " '_'). Empty: leave dots alone.")
        String replace() default "_";

        @AttributeDefinition(description = "Strip adjacent duplicate components: a.a.b.c.c.b becomes a.b.c.b"
                + " (Bucky's name_strip_duplicates).")
        boolean stripDuplicates() default true;

        @AttributeDefinition(description = "Put the host's components in reverse order (node.company.tld ->"
                + " tld.company.node), as Bucky always does.")
        boolean reverseHost() default true;

        @AttributeDefinition(description = "Host suffixes to remove (Bucky's name_host_trim): with company.tld,"
                + " node.company.tld becomes node. The first matching entry applies.")
        String[] hostTrim() default {};

        @AttributeDefinition(description = "The tag holding the host. A sample with this tag gets the host in"
                + " its name after the prefix (Bucky's statname(host, name)) and loses the tag. Empty: never.")
        String hostTag() default "host";

        @AttributeDefinition(description = "Only samples whose name matches one of these globs are renamed"
                + " (* within a component, ** across). Empty: all.")
        String[] include() default {};

        @AttributeDefinition(description = "Samples whose name matches one of these globs pass unchanged.")
        String[] exclude() default {};

        @AttributeDefinition(name = "service.ranking", description = "Order among processors, highest first"
                + " (defaults: timewindow 30, filter 20, naming 10, so filters see the producers' names).")
        int service_ranking() default 10;
    }

    /** The rules and scope of one configuration, swapped whole on @Modified. */
    private record Rules(NameRules names, String hostTag, NameFilter scope) {
    }

    private final String name;
    private final LongAdder seen = new LongAdder();
    private final LongAdder renamed = new LongAdder();
    private final LongAdder unnamed = new LongAdder();
    private volatile Rules rules;

    @Activate
    public NamingProcessor(Config config, Map<String, Object> props) {
        this.name = Instance.name("naming", props);
        this.rules = rules(config);
    }

    @Modified
    void modified(Config config) {
        rules = rules(config);
    }

    static Rules rules(Config c) {
        String replace = c.replace() == null ? "" : c.replace();
        if (replace.contains(".")) {
            throw new IllegalArgumentException("replace: must not contain '.', got '" + replace + "'");
        }
        String hostTag = c.hostTag() == null ? "" : c.hostTag().trim();
        NameRules n = new NameRules(trim(c.prefix()), Instance.entries(c.prefixParts(), ","),
                Instance.entries(c.postfixParts(), ","), trim(c.postfix()), replace.isEmpty() ? null : replace,
                c.stripDuplicates(), c.reverseHost(), Instance.entries(c.hostTrim(), ","));
        return new Rules(n, hostTag, NameFilter.of(c.include(), c.exclude()));
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    @Override
    public Sample process(Sample sample) {
        seen.increment();
        Rules r = rules;
        if (!r.scope().accepts(sample.name())) {
            return sample;
        }
        Tags tags = sample.tags();
        String host = r.hostTag().isEmpty() ? null : tags.get(r.hostTag());
        String newName = r.names().statname(host, sample.name());
        if (newName.isEmpty()) {
            // only a name of dots with nothing around it gets here; an empty name is not a sample
            unnamed.increment();
            return sample;
        }
        Sample out = sample.withName(newName);
        if (host != null) {
            out = out.withTags(tags.without(r.hostTag()));
        }
        if (out != sample) {
            renamed.increment();
        }
        return out;
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("seen", seen.sum());
        c.put("renamed", renamed.sum());
        c.put("left_unnamed", unnamed.sum());
        return new ComponentStatus("processor", name, State.OK, c, null);
    }

    /** For tests: the host components Bucky would put into a name. */
    List<String> hostname(String host) {
        return rules.names().hostname(host);
    }
}
