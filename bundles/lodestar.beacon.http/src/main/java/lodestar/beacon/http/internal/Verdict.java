package lodestar.beacon.http.internal;

import java.util.Locale;
import java.util.regex.Pattern;

import lodestar.api.CheckStatus;

/**
 * Judges one probe's {@link Outcome}, in this order: no response (the probe's error) is CRITICAL; a
 * status outside {@code expectedStatus} is CRITICAL; a body that does not match {@code bodyRegex} is
 * CRITICAL; otherwise the {@link Thresholds} on the total time decide.
 *
 * @param status  the verdict
 * @param message one line for people: what was seen and, when not OK, why
 */
record Verdict(CheckStatus status, String message) {

    static Verdict of(Outcome o, StatusRanges expected, Pattern bodyRegex, Thresholds thresholds) {
        String total = ms(o.totalMillis());
        if (o.failed()) {
            return new Verdict(CheckStatus.CRITICAL, o.error());
        }
        String seen = (o.status() + " " + o.reason()).trim() + " in " + total + ", " + o.sizeBytes() + " bytes"
                + (o.redirects() > 0 ? ", " + o.redirects() + " redirects" : "");
        if (!expected.accepts(o.status())) {
            return new Verdict(CheckStatus.CRITICAL, seen + "; status " + o.status() + " not in " + expected);
        }
        if (bodyRegex != null && !bodyRegex.matcher(o.body()).find()) {
            return new Verdict(CheckStatus.CRITICAL, seen + "; body does not match /" + bodyRegex.pattern() + "/");
        }
        CheckStatus s = thresholds.classify(o.totalMillis());
        return new Verdict(s, s == CheckStatus.OK ? seen : seen + "; " + thresholds.explain(o.totalMillis()));
    }

    /** {@code 12ms}, {@code 0.4ms}, {@code 1500ms}: whole milliseconds unless below 10. */
    static String ms(double millis) {
        return millis < 10 ? String.format(Locale.ROOT, "%.1fms", millis) : Math.round(millis) + "ms";
    }
}
