package lodestar.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * A sink's configuration form as the web console shows it: the sink's own fields (its backend's: host, URL,
 * ...) followed by the core's {@link RunnerAttributes}. Registered by {@link SinkForms} in the sink bundle's
 * name, so that metatype finds it where it finds the sink's own form, for one PID or factory PID.
 */
final class SinkForm implements MetaTypeProvider {

    private final String pid;
    /** the sink's own form, read from its bundle's metatype documents (localized on each call) */
    private final MetaTypeProvider own;

    SinkForm(String pid, MetaTypeProvider own) {
        this.pid = pid;
        this.own = own;
    }

    @Override
    public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
        if (!pid.equals(id)) {
            return null;
        }
        ObjectClassDefinition base = own.getObjectClassDefinition(pid, locale);
        return base == null ? null : new Combined(base);
    }

    @Override
    public String[] getLocales() {
        return own.getLocales();
    }

    private record Combined(ObjectClassDefinition base) implements ObjectClassDefinition {

        @Override
        public String getName() {
            return base.getName();
        }

        @Override
        public String getID() {
            return base.getID();
        }

        @Override
        public String getDescription() {
            String d = base.getDescription();
            return (d == null ? "" : d + " ") + "The Runner fields tune the core's buffering, batching, retries and"
                    + " filtering for this sink (lodestar.core README).";
        }

        @Override
        public AttributeDefinition[] getAttributeDefinitions(int filter) {
            AttributeDefinition[] mine = base.getAttributeDefinitions(filter);
            List<AttributeDefinition> all = new ArrayList<>(mine == null ? List.of() : Arrays.asList(mine));
            if (filter != REQUIRED) {
                all.addAll(RunnerAttributes.ALL); // every runner field is optional: empty means the core's default
            }
            return all.isEmpty() ? null : all.toArray(AttributeDefinition[]::new);
        }

        @Override
        public InputStream getIcon(int size) throws IOException {
            return base.getIcon(size);
        }
    }
}
