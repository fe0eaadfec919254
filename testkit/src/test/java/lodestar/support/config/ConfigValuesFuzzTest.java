package lodestar.support.config;

import java.util.function.UnaryOperator;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.api.Tags;
import lodestar.support.filter.NameFilter;
import lodestar.support.filter.TagFilter;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of configuration values (fuzz/README.md): durations, sizes, name globs and tag lists as
 * an operator (or a hostile configuration file, or a query for the store's globs) writes them. They live here, in
 * the test kit's tests, because the support module's own tests cannot use the test kit (it depends on support).
 * Seeds: {@code ConfigValuesFuzzTestInputs/}.
 */
class ConfigValuesFuzzTest {

    private static final AllocationBound ALLOC = new AllocationBound("configuration value parser", 256 * 1024, 400);

    /**
     * A duration: a non-negative number of milliseconds or IllegalArgumentException naming the property, nothing
     * else; what formatDuration writes reads back as the same duration.
     */
    @FuzzTest(maxDuration = "20s")
    void duration(String text) {
        long[] ms = {-1};
        IllegalArgumentException e = Rejections.only(IllegalArgumentException.class,
                () -> ALLOC.run(text == null ? 0 : text.length(), () -> ms[0] = Units.durationMillis("flushInterval", text)));
        if (e != null) {
            Rejections.check(e.getMessage().startsWith("flushInterval: "), "the error does not name the property: " + e.getMessage());
            return;
        }
        Rejections.check(ms[0] >= 0, "a negative duration " + ms[0] + " from '" + text + "'");
        String back = Units.formatDuration(ms[0]);
        Rejections.check(Units.durationMillis("flushInterval", back) == ms[0], ms[0] + " ms formats as '" + back + "', which reads back differently");
    }

    /** A size: non-negative bytes or IllegalArgumentException naming the property, nothing else. */
    @FuzzTest(maxDuration = "20s")
    void size(String text) {
        long[] b = {-1};
        IllegalArgumentException e = Rejections.only(IllegalArgumentException.class,
                () -> ALLOC.run(text == null ? 0 : text.length(), () -> b[0] = Units.bytes("connectionMemory", text)));
        if (e != null) {
            Rejections.check(e.getMessage().startsWith("connectionMemory: "), "the error does not name the property: " + e.getMessage());
            return;
        }
        Rejections.check(b[0] >= 0, "a negative size " + b[0] + " from '" + text + "'");
    }

    /**
     * Name globs: compiling and matching never throw and never hang (Jazzer's per-input timeout: a glob whose
     * regular expression backtracks exponentially is a finding); a glob without wildcards matches itself.
     */
    @FuzzTest(maxDuration = "20s")
    void glob(FuzzedDataProvider in) {
        String include = in.consumeString(200);
        String exclude = in.consumeString(100);
        String name = in.consumeRemainingAsString();
        // no exception is declared: a glob is any text
        NameFilter.of(new String[] {include}, exclude.isEmpty() ? null : new String[] {exclude}).accepts(name);
        NameFilter one = NameFilter.glob(include);
        one.accepts(name);
        if (!include.isBlank() && include.indexOf('*') < 0 && include.indexOf('?') < 0) {
            Rejections.check(one.accepts(include.trim()), "the glob '" + include + "' does not match itself");
        }
    }

    /**
     * Tag lists: {@code key=value,...} and {@code key=glob,...;...}: parsed or IllegalArgumentException naming the
     * property, nothing else; what parses has no empty key or value.
     */
    @FuzzTest(maxDuration = "20s")
    void tags(FuzzedDataProvider in) {
        String tags = in.consumeString(300);
        String filter = in.consumeRemainingAsString();
        Tags[] t = {null};
        IllegalArgumentException e = Rejections.only(IllegalArgumentException.class,
                () -> ALLOC.run(tags.length(), () -> t[0] = TagsProperty.parse("tags", new String[] {tags}, UnaryOperator.identity())));
        if (e != null) {
            Rejections.check(e.getMessage().startsWith("tags: "), "the error does not name the property: " + e.getMessage());
        } else {
            t[0].forEach((k, v) -> Rejections.check(!k.isEmpty() && !v.isEmpty(), "an empty key or value in " + t[0]));
        }
        TagFilter[] tf = {null};
        IllegalArgumentException fe = Rejections.only(IllegalArgumentException.class,
                () -> tf[0] = TagFilter.parse("tagpass", new String[] {filter}));
        if (fe != null) {
            Rejections.check(fe.getMessage().startsWith("tagpass: "), "the error does not name the property: " + fe.getMessage());
        } else if (t[0] != null) {
            tf[0].matches(t[0]);
        }
    }
}
