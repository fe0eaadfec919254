package lodestar.web.graphite.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * Graphite's {@code from}/{@code until} syntax (graphite-web's {@code attime.parseATTime}): epoch seconds,
 * {@code now}, offsets ({@code -1h}, {@code -15min}, {@code -7d}, {@code now-2h30min}; units s, min, h, d, w,
 * mon = 30 d, y = 365 d), a time of day ({@code HH:MM}, {@code 6am}, {@code noon}, {@code midnight},
 * {@code teatime}) with a day ({@code YYYYMMDD}, {@code MM/DD/YY[YY]}, {@code today}, {@code yesterday},
 * {@code tomorrow}, a month name and day, a weekday), so {@code 12:00_20261205}. Underscores, commas and blanks
 * are ignored, as graphite-web does.
 */
final class TimeParser {

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
    private static final List<String> WEEKDAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    /** longer than any time expression a client sends; bounds the work on hostile input */
    static final int MAX_LENGTH = 64;

    private TimeParser() {
    }

    /**
     * @param text  the parameter
     * @param now   the reference "now", epoch millis
     * @param zone  the zone times of day and dates are read in
     * @return epoch seconds
     * @throws BadRequest naming the parameter
     */
    static long parse(String param, String text, long now, ZoneId zone) {
        if (text.length() > MAX_LENGTH) {
            throw new BadRequest(param + ": longer than " + MAX_LENGTH + " characters");
        }
        try {
            return parse(text, now, zone);
        } catch (RuntimeException e) {
            throw new BadRequest(param + ": cannot read '" + text + "' as a time (" + e.getMessage() + ")");
        }
    }

    private static long parse(String text, long nowMillis, ZoneId zone) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "").replace(" ", "");
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            boolean yyyymmdd = s.length() == 8 && Integer.parseInt(s.substring(0, 4)) > 1900
                    && Integer.parseInt(s.substring(4, 6)) < 13 && Integer.parseInt(s.substring(6)) < 32;
            if (!yyyymmdd) {
                return Long.parseLong(s);
            }
        }
        String ref;
        String offset;
        int plus = s.indexOf('+');
        int minus = s.indexOf('-');
        if (plus >= 0) {
            ref = s.substring(0, plus);
            offset = s.substring(plus);
        } else if (minus >= 0) {
            ref = s.substring(0, minus);
            offset = s.substring(minus);
        } else {
            ref = s;
            offset = "";
        }
        ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
        ZonedDateTime t = reference(ref, now, zone).plusSeconds(offsetSeconds(offset));
        return t.toEpochSecond();
    }

    private static ZonedDateTime reference(String ref, ZonedDateTime now, ZoneId zone) {
        if (ref.isEmpty() || ref.equals("now")) {
            return now;
        }
        int hour = 0;
        int minute = 0;
        int i = ref.indexOf(':');
        if (i > 0 && i < 3) {
            hour = Integer.parseInt(ref.substring(0, i));
            minute = Integer.parseInt(ref.substring(i + 1, Math.min(ref.length(), i + 3)));
            ref = ref.substring(Math.min(ref.length(), i + 3));
            if (ref.startsWith("am")) {
                ref = ref.substring(2);
            } else if (ref.startsWith("pm")) {
                hour = (hour + 12) % 24;
                ref = ref.substring(2);
            }
        }
        i = ref.indexOf("am");
        if (i > 0 && i < 3) {
            hour = Integer.parseInt(ref.substring(0, i));
            ref = ref.substring(i + 2);
        }
        i = ref.indexOf("pm");
        if (i > 0 && i < 3) {
            hour = (Integer.parseInt(ref.substring(0, i)) + 12) % 24;
            ref = ref.substring(i + 2);
        }
        if (ref.startsWith("noon")) {
            hour = 12;
            minute = 0;
            ref = ref.substring(4);
        } else if (ref.startsWith("midnight")) {
            hour = 0;
            minute = 0;
            ref = ref.substring(8);
        } else if (ref.startsWith("teatime")) {
            hour = 16;
            minute = 0;
            ref = ref.substring(7);
        }
        LocalDate day = now.toLocalDate();
        if (ref.equals("yesterday")) {
            day = day.minusDays(1);
        } else if (ref.equals("tomorrow")) {
            day = day.plusDays(1);
        } else if (ref.equals("today")) {
            // the day of now
        } else if (ref.chars().filter(c -> c == '/').count() == 2) {
            String[] mdy = ref.split("/");
            int y = Integer.parseInt(mdy[2]);
            if (y < 1900) {
                y += 1900;
            }
            if (y < 1970) {
                y += 100;
            }
            day = LocalDate.of(y, Integer.parseInt(mdy[0]), Integer.parseInt(mdy[1]));
        } else if (ref.length() == 8 && ref.chars().allMatch(Character::isDigit)) {
            day = LocalDate.of(Integer.parseInt(ref.substring(0, 4)), Integer.parseInt(ref.substring(4, 6)),
                    Integer.parseInt(ref.substring(6)));
        } else if (ref.length() >= 3 && MONTHS.contains(ref.substring(0, 3))) {
            String digits = ref.replaceAll("^.*?(\\d{1,2})$", "$1");
            if (digits.equals(ref)) {
                throw new IllegalArgumentException("day of month required after month name");
            }
            day = LocalDate.of(day.getYear(), MONTHS.indexOf(ref.substring(0, 3)) + 1, Integer.parseInt(digits));
        } else if (ref.length() >= 3 && WEEKDAYS.contains(ref.substring(0, 3))) {
            int today = WEEKDAYS.indexOf(day.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT)
                    .toLowerCase(Locale.ROOT).substring(0, 3));
            int back = today - WEEKDAYS.indexOf(ref.substring(0, 3));
            day = day.minusDays(back < 0 ? back + 7 : back);
        } else if (!ref.isEmpty()) {
            throw new IllegalArgumentException("unknown day reference " + ref);
        }
        return LocalDateTime.of(day, java.time.LocalTime.of(hour, minute)).atZone(zone);
    }

    /** Seconds of an offset such as {@code -1h30min}; empty is 0. */
    static long offsetSeconds(String offset) {
        if (offset.isEmpty()) {
            return 0;
        }
        int sign = 1;
        String o = offset;
        if (!Character.isDigit(o.charAt(0))) {
            if (o.charAt(0) == '-') {
                sign = -1;
            } else if (o.charAt(0) != '+') {
                throw new IllegalArgumentException("invalid offset " + offset);
            }
            o = o.substring(1);
        }
        long total = 0;
        int i = 0;
        while (i < o.length()) {
            int start = i;
            while (i < o.length() && Character.isDigit(o.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 9) {
                throw new IllegalArgumentException("invalid offset " + offset);
            }
            long num = Long.parseLong(o.substring(start, i));
            int u = i;
            while (i < o.length() && Character.isLetter(o.charAt(i))) {
                i++;
            }
            total += num * unitSeconds(o.substring(u, i));
        }
        return sign * total;
    }

    /** graphite-web's getUnitString: the unit is told by its first letters. */
    static long unitSeconds(String unit) {
        if (unit.startsWith("s")) {
            return 1;
        }
        if (unit.startsWith("min")) {
            return 60;
        }
        if (unit.startsWith("h")) {
            return 3600;
        }
        if (unit.startsWith("d")) {
            return 86_400;
        }
        if (unit.startsWith("w")) {
            return 7 * 86_400;
        }
        if (unit.startsWith("mon")) {
            return 30 * 86_400;
        }
        if (unit.startsWith("y")) {
            return 365 * 86_400;
        }
        throw new IllegalArgumentException("invalid offset unit '" + unit + "'");
    }
}
