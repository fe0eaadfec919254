package lodestar.beacon.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** argv building (local, shell, ssh) and default names; no process is started. */
class CommandLineTest {

    private static String[] a(String... s) {
        return s;
    }

    @Test
    void argvIsTakenAsIs() {
        assertEquals(List.of("/usr/bin/check", "-w", "a b"), CommandLine.argv(a("/usr/bin/check", "-w", "a b"), false, ""));
    }

    @Test
    void oneElementIsSplitAtBlanksAsACfgFileGivesIt() {
        assertEquals(List.of("/usr/lib/nagios/plugins/check_load", "-w", "5", "-c", "10"),
                CommandLine.argv(a("  /usr/lib/nagios/plugins/check_load  -w 5\t-c 10 "), false, null));
    }

    @Test
    void shellRunsTheFirstElementWithShC() {
        assertEquals(List.of("/bin/sh", "-c", "df -h | tail -1"), CommandLine.argv(a("df -h | tail -1"), true, ""));
        assertEquals(List.of("/bin/sh", "-c", "echo $1", "sh", "x y"), CommandLine.argv(a("echo $1", "x y"), true, ""));
    }

    @Test
    void sshQuotesEachArgumentForTheRemoteShell() {
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "web01", "--", "/usr/lib/check_disk", "-w", "'20 %'",
                "'it'\\''s'", "'$HOME'", "a=b,c"),
                CommandLine.argv(a("/usr/lib/check_disk", "-w", "20 %", "it's", "$HOME", "a=b,c"), false, "web01"));
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "nagios@10.0.0.5", "--", "check_load", "-w", "5"),
                CommandLine.argv(a("check_load -w 5"), false, " nagios@10.0.0.5 "));
    }

    @Test
    void sshWithShellPassesTheCommandStringForTheRemoteShell() {
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "db1", "--", "df -h / | tail -1"),
                CommandLine.argv(a("df -h / | tail -1"), true, "db1"));
    }

    @Test
    void badHostIsRejectedNamingTheProperty() {
        for (String bad : new String[] {"-oProxyCommand=x", "a b", "host;rm", "$(x)"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CommandLine.argv(a("true"), false, bad), bad);
            assertTrue(e.getMessage().startsWith("ssh_host:"), e.getMessage());
        }
    }

    @Test
    void emptyCommandIsRejected() {
        for (String[] bad : List.of(a(), a(""), a("   "), a((String) null))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CommandLine.argv(bad, false, ""));
            assertEquals("command: must not be empty", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> CommandLine.argv(null, true, ""));
    }

    @Test
    void defaultNames() {
        assertEquals("check_disk", CommandLine.defaultName(List.of("/usr/lib/nagios/plugins/check_disk", "-w"), false, ""));
        assertEquals("pg_isready", CommandLine.defaultName(List.of("pg_isready -q"), true, ""));
        assertEquals("check_load-web01_example_com",
                CommandLine.defaultName(List.of("check_load"), false, "nagios@web01.example.com"));
        assertEquals("my_check_sh", CommandLine.defaultName(List.of("./my check.sh"), false, null));
    }

    @Test
    void quoting() {
        assertEquals("plain-1.0", CommandLine.quote("plain-1.0"));
        assertEquals("''", CommandLine.quote(""));
        assertEquals("'a;b'", CommandLine.quote("a;b"));
        assertEquals("'*'", CommandLine.quote("*"));
    }
}
