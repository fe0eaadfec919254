package lodestar.testkit.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.lang.reflect.Method;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one {@code @FuzzTest} method in this JVM, for {@code fuzz/run}: Jazzer fuzzes one target per process
 * (libFuzzer runs once), and starting a plain JVM per target costs a second where a Maven run costs ten.
 * Usage: {@code java -cp <test class path> lodestar.testkit.fuzz.FuzzMain com.example.SomeFuzzTest#method}, with
 * {@code JAZZER_FUZZ=1} in the environment to fuzz (without it the seeds run, as in {@code mvn test}).
 * With a class name alone, runs the class's fuzz tests in regression mode (every seed and every input of the
 * generated corpus in the working directory's {@code .cifuzz-corpus/}).
 * Exits 0 when the target passed, 1 when it failed (a finding), 2 when there was no such test.
 */
public final class FuzzMain {

    private FuzzMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: FuzzMain <class>#<method> | <class>");
            System.exit(2);
        }
        if (!args[0].contains("#")) {
            // a whole class: its fuzz tests in regression mode (seeds and generated corpus), as fuzz/run replays them
            run(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(args[0])).build(), args[0]);
            return;
        }
        String className = args[0].substring(0, args[0].indexOf('#'));
        String methodName = args[0].substring(args[0].indexOf('#') + 1);
        Method target = null;
        try {
            for (Method m : Class.forName(className).getDeclaredMethods()) {
                if (m.getName().equals(methodName)) {
                    target = m;
                }
            }
        } catch (ClassNotFoundException e) {
            System.err.println("fuzz: no class " + className + " on the class path");
            System.exit(2);
        }
        if (target == null) {
            System.err.println("fuzz: no method " + methodName + " in " + className);
            System.exit(2);
        }
        // by Method: a fuzz test has a parameter, which a "Class#method" selector would have to spell out
        run(LauncherDiscoveryRequestBuilder.request().selectors(selectMethod(target.getDeclaringClass(), target)).build(), args[0]);
    }

    private static void run(LauncherDiscoveryRequest request, String what) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 40);
        out.printf("fuzz: %s: %d run, %d failed%n", what, s.getTestsStartedCount(), s.getTotalFailureCount());
        out.flush();
        System.exit(s.getTestsStartedCount() == 0 ? 2 : s.getTotalFailureCount() > 0 ? 1 : 0);
    }
}
