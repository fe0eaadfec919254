package lodestar.web.graphite.internal;

import java.util.List;
import java.util.Map;

/** A parsed render target: a function call, a path expression, or a literal argument. */
sealed interface Expr {

    /** {@code name(args..., key=value...)} */
    record Call(String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    /** A series path expression with globs, as written. */
    record Path(String text) implements Expr {
    }

    /** A quoted string. */
    record Str(String value) implements Expr {
    }

    /** A number, with its text (a tag keeps it as written, {@code 10} or {@code 0.5}). */
    record Num(String text, double value) implements Expr {
        boolean integral() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements Expr {
    }
}
