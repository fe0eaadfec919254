package lodestar.listener.collectd.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.listener.collectd.CollectdValue.DsType;

/**
 * collectd's types.db: for each type its data sources with their kind and bounds. The standard file (from
 * collectd 5.12) ships inside the bundle; configured files are read after it, and a later definition of a
 * type replaces an earlier one (as collectd does).
 */
final class TypesDb {

    /** One data source; {@code min}/{@code max} are NaN where types.db says {@code U} (unbounded). */
    record DataSource(String name, DsType type, double min, double max) {
        boolean inRange(double v) {
            return !(v < min) && !(v > max);
        }
    }

    /** A type and its data sources, in wire order. */
    record TypeSpec(String name, DataSource[] sources) {
    }

    static final String BUILTIN = "types.db";

    private final Map<String, TypeSpec> types;

    private TypesDb(Map<String, TypeSpec> types) {
        this.types = types;
    }

    /** The built-in types.db plus {@code extra} files, in order. */
    static TypesDb load(List<String> extra) {
        Map<String, TypeSpec> m = new HashMap<>();
        try (InputStream in = TypesDb.class.getResourceAsStream(BUILTIN)) {
            if (in == null) {
                throw new IllegalStateException("types.db missing from the bundle");
            }
            parse(new InputStreamReader(in, StandardCharsets.UTF_8), "built-in types.db", m);
        } catch (IOException e) {
            throw new IllegalStateException("reading the built-in types.db", e);
        }
        for (String f : extra) {
            Path p = Path.of(f);
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                parse(r, f, m);
            } catch (IOException e) {
                throw new IllegalArgumentException("typesDb: cannot read '" + f + "': " + e.getMessage(), e);
            }
        }
        return new TypesDb(m);
    }

    /** From text only (tests). */
    static TypesDb of(String text) {
        Map<String, TypeSpec> m = new HashMap<>();
        try {
            parse(new java.io.StringReader(text), "text", m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new TypesDb(m);
    }

    /** This database plus the definitions in {@code text} (tests). */
    TypesDb with(String text) {
        Map<String, TypeSpec> m = new HashMap<>(types);
        m.putAll(of(text).types);
        return new TypesDb(m);
    }

    TypeSpec get(String type) {
        return types.get(type);
    }

    int size() {
        return types.size();
    }

    /** {@code name ds:KIND:min:max[, ds:KIND:min:max ...]}; '#' starts a comment line. */
    static void parse(Reader reader, String source, Map<String, TypeSpec> into) throws IOException {
        BufferedReader r = new BufferedReader(reader);
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("[\\s,]+");
            if (f.length < 2) {
                throw bad(source, no, "a type needs at least one data source", line);
            }
            DataSource[] ds = new DataSource[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                String[] d = f[i].split(":");
                if (d.length != 4 || d[0].isEmpty()) {
                    throw bad(source, no, "data source '" + f[i] + "' is not name:KIND:min:max", line);
                }
                DsType k;
                try {
                    k = DsType.valueOf(d[1].toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw bad(source, no, "unknown data source kind '" + d[1] + "'", line);
                }
                ds[i - 1] = new DataSource(d[0], k, bound(d[2], source, no, line), bound(d[3], source, no, line));
            }
            into.put(f[0], new TypeSpec(f[0], ds));
        }
    }

    private static double bound(String s, String source, int no, String line) {
        if (s.equals("U")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw bad(source, no, "bound '" + s + "' is neither a number nor U", line);
        }
    }

    private static IllegalArgumentException bad(String source, int no, String why, String line) {
        return new IllegalArgumentException("typesDb: " + source + ":" + no + ": " + why + ": '" + line.trim() + "'");
    }
}
