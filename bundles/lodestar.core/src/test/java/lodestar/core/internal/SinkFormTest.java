package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;

import lodestar.api.RunnerProperties;

class SinkFormTest {

    /** A sink's own form of two fields, one required, one optional. */
    private static final class OwnForm implements ObjectClassDefinition, MetaTypeProvider {
        final AttributeDefinition host = RunnerAttributes.ALL.get(0); // any AD will do as a stand-in field
        @Override public String getName() { return "Lodestar test sink"; }
        @Override public String getID() { return "test.Config"; }
        @Override public String getDescription() { return "Writes to a test backend."; }
        @Override public InputStream getIcon(int size) { return null; }
        @Override public AttributeDefinition[] getAttributeDefinitions(int filter) {
            return filter == OPTIONAL ? null : new AttributeDefinition[] {host};
        }
        @Override public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
            return "lodestar.sink.test".equals(id) ? this : null;
        }
        @Override public String[] getLocales() { return new String[] {"de"}; }
    }

    private static List<String> ids(AttributeDefinition[] ads) {
        List<String> l = new ArrayList<>();
        for (AttributeDefinition a : ads == null ? new AttributeDefinition[0] : ads) {
            l.add(a.getID());
        }
        return l;
    }

    @Test
    void theSinksOwnFieldsComeFirstThenEveryRunnerFieldAsOptional() {
        OwnForm own = new OwnForm();
        ObjectClassDefinition form = new SinkForm("lodestar.sink.test", own).getObjectClassDefinition("lodestar.sink.test", null);
        List<String> all = ids(form.getAttributeDefinitions(ObjectClassDefinition.ALL));
        List<String> expected = new ArrayList<>(List.of(own.host.getID()));
        expected.addAll(RunnerProperties.ALL);
        assertEquals(expected, all);
        assertEquals(RunnerProperties.ALL, ids(form.getAttributeDefinitions(ObjectClassDefinition.OPTIONAL)));
        assertEquals(List.of(own.host.getID()), ids(form.getAttributeDefinitions(ObjectClassDefinition.REQUIRED)));
        assertEquals("Lodestar test sink", form.getName());
        assertTrue(form.getDescription().startsWith("Writes to a test backend. "), form.getDescription());
    }

    @Test
    void otherPidsAndTheSinksLocalesAreTheSinksAnswers() {
        SinkForm f = new SinkForm("lodestar.sink.test", new OwnForm());
        assertNull(f.getObjectClassDefinition("lodestar.sink.other", null));
        assertEquals(List.of("de"), Arrays.asList(f.getLocales()));
    }

    @Test
    void everyRunnerPropertyHasAFieldWithADescription() {
        assertEquals(RunnerProperties.ALL, ids(RunnerAttributes.ALL.toArray(AttributeDefinition[]::new)));
        for (AttributeDefinition ad : RunnerAttributes.ALL) {
            assertTrue(ad.getDescription().startsWith("Runner: "), ad.getID());
            assertNull(ad.validate("anything"), "validation is the core's, when the configuration is applied");
        }
    }
}
