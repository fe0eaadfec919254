package lodestar.listener.graphite.internal;

import lodestar.api.Tags;

/**
 * A Graphite path, plain ({@code a.b.c}) or Graphite 1.1 tagged ({@code a.b;k=v;k2=v2}), split into the
 * sample name and tags with Graphite's rules: tag keys non-empty without {@code ;!^=}, values non-empty
 * without {@code ;~} and not starting with {@code ~}.
 */
record GraphitePath(String name, Tags tags) {

    static GraphitePath parse(String path) throws BadInput {
        int semi = path.indexOf(';');
        String name = semi < 0 ? path : path.substring(0, semi);
        if (name.isEmpty()) {
            throw new BadInput("empty metric name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isWhitespace(name.charAt(i)) || Character.isISOControl(name.charAt(i))) {
                throw new BadInput("whitespace or control character in the name");
            }
        }
        if (semi < 0) {
            return new GraphitePath(name, Tags.EMPTY);
        }
        Tags tags = Tags.EMPTY;
        for (String tag : path.substring(semi + 1).split(";", -1)) {
            int eq = tag.indexOf('=');
            if (eq <= 0) {
                throw new BadInput("tag is not key=value:", tag);
            }
            String k = tag.substring(0, eq);
            String v = tag.substring(eq + 1);
            if (!validKey(k)) {
                throw new BadInput("tag key contains one of ;!^=:", k);
            }
            if (v.isEmpty() || v.startsWith("~") || v.indexOf(';') >= 0) {
                throw new BadInput("tag value is empty or starts with ~:", v);
            }
            tags = tags.with(k, v);
        }
        return new GraphitePath(name, tags);
    }

    private static boolean validKey(String k) {
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c == ';' || c == '!' || c == '^' || c == '=') {
                return false;
            }
        }
        return true;
    }
}
