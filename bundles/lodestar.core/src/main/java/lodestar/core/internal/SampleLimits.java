package lodestar.core.internal;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * How large a sample may be before the pipeline refuses it, once, before any sink sees it: a name or a tag key or
 * value longer than {@code maxNameLength} characters, or more than {@code maxTags} tags. A request id or a stack
 * trace pasted into a metric name is a client's mistake that no backend wants, that breaks some (a disk buffer
 * record, Carbon's 16 KiB line) and that should cost one counted, logged refusal, not a sink's batch.
 */
record SampleLimits(int maxNameLength, int maxTags) {

    SampleLimits {
        if (maxNameLength < 16 || maxNameLength > 16384) {
            throw new IllegalArgumentException("maxNameLength: must be between 16 and 16384, got " + maxNameLength);
        }
        if (maxTags < 1 || maxTags > 1024) {
            throw new IllegalArgumentException("maxTags: must be between 1 and 1024, got " + maxTags);
        }
    }

    /** Why the sample is refused, or null when it is within the limits. */
    String violation(Sample s) {
        if (s.name().length() > maxNameLength) {
            return "a name of " + s.name().length() + " characters (maxNameLength " + maxNameLength + ")";
        }
        Tags t = s.tags();
        if (t.size() > maxTags) {
            return t.size() + " tags (maxTags " + maxTags + ")";
        }
        for (int i = 0; i < t.size(); i++) {
            if (t.key(i).length() > maxNameLength || t.value(i).length() > maxNameLength) {
                return "a tag of more than " + maxNameLength + " characters (maxNameLength)";
            }
        }
        return null;
    }
}
