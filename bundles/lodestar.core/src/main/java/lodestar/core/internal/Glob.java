package lodestar.core.internal;

import java.util.regex.Pattern;

/**
 * A metric-name glob: {@code *} matches within one dot-separated component, {@code **} across
 * components, {@code ?} one character, everything else literally.
 */
final class Glob {

    private final Pattern pattern;
    private final String text;

    Glob(String glob) {
        this.text = glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^.]*");
                }
            } else if (c == '?') {
                re.append("[^.]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(re.toString());
    }

    boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
