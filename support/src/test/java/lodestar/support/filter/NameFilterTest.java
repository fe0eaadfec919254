package lodestar.support.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NameFilterTest {

    @Test
    void starStaysWithinAComponentDoubleStarCrosses() {
        assertTrue(NameFilter.glob("sys.*.user").accepts("sys.cpu.user"));
        assertFalse(NameFilter.glob("sys.*.user").accepts("sys.a.b.user"));
        assertTrue(NameFilter.glob("sys.**").accepts("sys.a.b.user"));
        assertFalse(NameFilter.glob("sys.**").accepts("system.a"));
    }

    @Test
    void questionMarkIsOneCharacterButNotADot() {
        assertTrue(NameFilter.glob("sys.cp?").accepts("sys.cpu"));
        assertFalse(NameFilter.glob("sys.cp?").accepts("sys.cp."));
        assertFalse(NameFilter.glob("sys.cp?").accepts("sys.cpuu"));
    }

    @Test
    void everythingElseIsLiteral() {
        assertTrue(NameFilter.glob("a+b(c)[d]$").accepts("a+b(c)[d]$"));
        assertFalse(NameFilter.glob("a.b").accepts("axb"));
        assertTrue(NameFilter.glob("cpu;dc=a,b").accepts("cpu;dc=a,b"), "one glob: a comma is literal");
    }

    @Test
    void includeThenExcludeAndCommaSeparatedEntries() {
        NameFilter f = NameFilter.of(new String[] {"sys.**, app.requests"}, new String[] {"sys.*.idle"});
        assertTrue(f.accepts("sys.cpu.user"));
        assertTrue(f.accepts("app.requests"));
        assertFalse(f.accepts("sys.cpu.idle"));
        assertFalse(f.accepts("app.errors"));
        assertTrue(NameFilter.of(null, new String[] {"x"}).accepts("y"));
        assertTrue(NameFilter.of(new String[0], new String[] {" "}).passesAll());
    }

    /**
     * Found by fuzzing (ConfigValuesFuzzTest#glob): as a regular expression this glob backtracked exponentially;
     * against 60 a's it ran for minutes, and a store query could send it. The timeout only guards against a hang.
     */
    @Test
    @Timeout(30)
    void aHostileGlobDoesNotBacktrack() {
        assertFalse(NameFilter.glob("*a*a*a*a*a*a*a*a*a*a*a*a*b").accepts("a".repeat(60)));
        assertFalse(NameFilter.glob("**a**a**a**a**a**a**a**a**a**a**b").accepts("a.".repeat(200)));
        assertFalse(NameFilter.of(new String[] {"*a*a*a*a*a*a*a*a*a*a*a*a*b,x"}, null).accepts("a".repeat(60)));
        assertTrue(NameFilter.glob("*a*a*a*a*a*a*a*a*a*a*a*a*b").accepts("a".repeat(60) + "b"));
    }

    /** The automaton matches what the regular expressions it replaced matched (the old translation, kept here). */
    @Test
    void matchesWhatTheRegularExpressionsMatched() {
        Random r = new Random(7);
        String alphabet = "ab.*?*+";
        for (int i = 0; i < 20_000; i++) {
            String glob = random(r, alphabet, 6);
            String name = random(r, "ab.+", 8);
            if (glob.isBlank()) {
                continue;
            }
            boolean expected = Pattern.compile(toRegex(glob), Pattern.DOTALL).matcher(name).matches();
            assertEquals(expected, NameFilter.glob(glob).accepts(name), () -> "glob '" + glob + "' on '" + name + "'");
        }
        assertTrue(NameFilter.glob("\u00e9t\u00e9.?").accepts("\u00e9t\u00e9.\ud83d\ude00"), "? is one character, a surrogate pair too");
    }

    private static String random(Random r, String alphabet, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** NameFilter's translation to a regular expression before it matched without one. */
    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder("(?:");
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < n && glob.charAt(i + 1) == '*') {
                    b.append(".*");
                    i++;
                } else {
                    b.append("[^.]*");
                }
            } else if (c == '?') {
                b.append("[^.]");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                b.append(c);
            } else {
                b.append('\\').append(c);
            }
        }
        return b.append(')').toString();
    }
}
