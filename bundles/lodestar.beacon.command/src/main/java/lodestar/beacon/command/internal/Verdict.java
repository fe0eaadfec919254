package lodestar.beacon.command.internal;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.support.config.Units;

/**
 * Maps one run to a {@link CheckResult} the way Nagios reads a plugin: exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 and above UNKNOWN (a signal shows as 128 + its number, hence UNKNOWN); a timeout is CRITICAL, a
 * command that cannot start is UNKNOWN. With {@code nonZeroCritical} (Pharos's reading) every exit but 0 is CRITICAL. {@code since} carries over while the status stays the same.
 */
final class Verdict {

    private Verdict() {
    }

    /**
     * @param previous the previous result, or null on the first run
     * @param output   the parsed first line of stdout
     */
    static CheckResult of(String check, ProcessRunner.Result run, PluginOutput output, long timeoutMillis,
            CheckResult previous, long now) {
        return of(check, run, output, timeoutMillis, previous, now, false);
    }

    static CheckResult of(String check, ProcessRunner.Result run, PluginOutput output, long timeoutMillis,
            CheckResult previous, long now, boolean nonZeroCritical) {
        CheckStatus status;
        String message;
        double value;
        if (run.startError() != null) {
            status = CheckStatus.UNKNOWN;
            message = "cannot run: " + run.startError();
            value = Double.NaN;
        } else if (run.timedOut()) {
            status = CheckStatus.CRITICAL;
            message = "timed out after " + Units.formatDuration(timeoutMillis) + " (killed)"
                    + (output.message().isEmpty() ? "" : ": " + output.message());
            value = Double.NaN;
        } else {
            status = nonZeroCritical && run.exit() != 0 ? CheckStatus.CRITICAL : CheckStatus.ofExitCode(run.exit());
            message = output.message();
            if (message.isEmpty()) {
                String err = run.stderr().lines().filter(l -> !l.isBlank()).findFirst().orElse("").trim();
                message = "exit code " + run.exit() + (err.isEmpty() ? "" : ": " + err);
            }
            value = run.exit();
        }
        long since = previous != null && previous.status() == status ? previous.since() : now;
        return new CheckResult(check, status, message, value, now, since);
    }
}
