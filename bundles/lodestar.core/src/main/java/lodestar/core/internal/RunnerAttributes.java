package lodestar.core.internal;

import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;

import lodestar.api.RunnerProperties;

/**
 * The form fields of the {@link RunnerProperties} every sink's configuration may set: declared once, here, and
 * added to each sink's own form by {@link SinkForms}. Empty or {@code 0} means the {@code lodestar.core} default.
 */
final class RunnerAttributes {

    /** In the order of {@link RunnerProperties#ALL}. */
    static final List<AttributeDefinition> ALL = List.of(
            ad(RunnerProperties.BATCH_SIZE, "Batch size", AttributeDefinition.INTEGER, 0, "0",
                    "Runner: samples per write at most; 0: the lodestar.core default (1000)."),
            ad(RunnerProperties.FLUSH_INTERVAL, "Flush interval", AttributeDefinition.STRING, 0, "",
                    "Runner: longest a sample waits for a batch to fill (a duration: 500ms, 1s); empty: the lodestar.core"
                            + " default (1s)."),
            ad(RunnerProperties.BUFFER_MEMORY, "Buffer memory", AttributeDefinition.STRING, 0, "",
                    "Runner: memory for samples waiting while the backend is slow or away (a size: 64MB); when full the"
                            + " oldest are dropped and counted. Empty: the lodestar.core default (64MB)."),
            ad(RunnerProperties.BUFFER_DISK, "Buffer disk", AttributeDefinition.STRING, 0, "",
                    "Runner: disk for samples the backend has not taken yet (a size: 256MB; 0 turns it off); while the"
                            + " backend is away everything goes through it, oldest first, and it survives a restart."
                            + " Empty: the lodestar.core default (256MB)."),
            ad(RunnerProperties.RETRY_INITIAL, "First retry delay", AttributeDefinition.STRING, 0, "",
                    "Runner: delay after a failed write (a duration); empty: the lodestar.core default (500ms)."),
            ad(RunnerProperties.RETRY_MAX, "Longest retry delay", AttributeDefinition.STRING, 0, "",
                    "Runner: upper bound of the retry delay, at least the first one; empty: the lodestar.core default (30s)."),
            ad(RunnerProperties.RETRY_FACTOR, "Retry factor", AttributeDefinition.DOUBLE, 0, "0",
                    "Runner: each consecutive failure multiplies the delay by this (at least 1); 0: the lodestar.core"
                            + " default (2)."),
            ad(RunnerProperties.INCLUDE, "Include", AttributeDefinition.STRING, Integer.MAX_VALUE, null,
                    "Runner: name globs to send (* within a dot-separated component, ** across, ? one character);"
                            + " several per entry separated by commas. Empty: everything."),
            ad(RunnerProperties.EXCLUDE, "Exclude", AttributeDefinition.STRING, Integer.MAX_VALUE, null,
                    "Runner: name globs not to send, applied after include."),
            ad(RunnerProperties.LEVELS, "Levels", AttributeDefinition.STRING, Integer.MAX_VALUE, null,
                    "Runner: the levels to send (critical, error, ...): a sample with a level tag is sent only if its"
                            + " level is listed (case-insensitive); samples without one always are. Empty: all."),
            ad(RunnerProperties.TAGPASS, "Tag pass", AttributeDefinition.STRING, Integer.MAX_VALUE, null,
                    "Runner: key=glob,glob entries; a sample is sent only if one of its tags matches an entry. Empty: no"
                            + " such condition."),
            ad(RunnerProperties.TAGDROP, "Tag drop", AttributeDefinition.STRING, Integer.MAX_VALUE, null,
                    "Runner: key=glob,glob entries; a sample whose tags match an entry is not sent."));

    private RunnerAttributes() {
    }

    private static AttributeDefinition ad(String id, String name, int type, int cardinality, String dflt, String description) {
        return new Field(id, name, type, cardinality, dflt == null ? null : new String[] {dflt}, description);
    }

    /** One form field. */
    private record Field(String id, String name, int type, int cardinality, String[] defaults, String description)
            implements AttributeDefinition {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getID() {
            return id;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public int getCardinality() {
            return cardinality;
        }

        @Override
        public int getType() {
            return type;
        }

        @Override
        public String[] getOptionValues() {
            return null;
        }

        @Override
        public String[] getOptionLabels() {
            return null;
        }

        /** Validation is the core's when the configuration is applied (a bad value fails the sink, named). */
        @Override
        public String validate(String value) {
            return null;
        }

        @Override
        public String[] getDefaultValue() {
            return defaults == null ? null : defaults.clone();
        }
    }
}
