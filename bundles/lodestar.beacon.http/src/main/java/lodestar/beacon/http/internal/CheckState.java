package lodestar.beacon.http.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;

/**
 * The latest {@link CheckResult} of one check, and since when it has been in its status. Tells the
 * transition listener once per change of status (and for the first result), not on every run, so the
 * log shows when a check went CRITICAL and when it came back, not a line a second.
 */
final class CheckState {

    private final String check;
    private final BiConsumer<CheckResult, CheckStatus> transitions;
    private final AtomicReference<CheckResult> latest = new AtomicReference<>();

    /**
     * @param transitions called with the new result and the previous status (null for the first result)
     */
    CheckState(String check, BiConsumer<CheckResult, CheckStatus> transitions) {
        this.check = check;
        this.transitions = transitions;
    }

    /** Records a run's verdict taken at {@code now}; returns the result now published. */
    CheckResult record(Verdict v, double value, long now) {
        CheckResult previous = latest.get();
        boolean changed = previous == null || previous.status() != v.status();
        long since = changed ? now : previous.since();
        CheckResult r = new CheckResult(check, v.status(), v.message(), value, now, since);
        latest.set(r);
        if (changed) {
            transitions.accept(r, previous == null ? null : previous.status());
        }
        return r;
    }

    CheckResult latest() {
        return latest.get();
    }
}
