package lodestar.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-process base with a shell script as the server. */
class ServerProcessTest {

    @TempDir
    Path dir;

    /** Runs {@code script} with sh; ready once the log says "ready". */
    static final class Script extends ServerProcess {
        private final String script;

        Script(Path dir, String script) throws IOException {
            super("script", dir, "script.log");
            this.script = script;
        }

        @Override
        public List<String> command() {
            return List.of(Tools.require("dash", "sh").toString(), "-c", script);
        }

        @Override
        protected boolean ready() {
            try {
                return Files.exists(log) && Files.readString(log).contains("ready");
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Test
    void startsInItsFolderStopsWithSigtermAndStartsAgain() throws Exception {
        // a server that, like carbon-cache, writes something out when it gets SIGTERM
        try (Script s = new Script(dir.resolve("srv"), "trap 'echo terminated; exit 0' TERM; pwd; echo ready;"
                + " while true; do sleep 0.1; done")) {
            s.start();
            assertTrue(s.isRunning());
            assertThrows(IllegalStateException.class, s::start, "already running");
            s.stop();
            assertFalse(s.isRunning());
            assertTrue(s.logTail().contains("terminated"), s.logTail());
            assertTrue(s.logTail().startsWith(dir.resolve("srv").toRealPath().toString()), s.logTail());
            s.start();
            assertTrue(s.isRunning());
        }
    }

    @Test
    void aServerThatIgnoresSigtermIsKilled() throws Exception {
        try (Script s = new Script(dir, "trap '' TERM; echo ready; while true; do sleep 0.1; done")) {
            s.start();
            long t = System.nanoTime();
            s.stop();
            assertFalse(s.isRunning());
            assertTrue(System.nanoTime() - t >= 14_000_000_000L, "SIGKILL only after the grace period");
        }
    }

    @Test
    void aServerThatExitsFailsTheStartWithItsLog() throws Exception {
        try (Script s = new Script(dir, "echo 'cannot bind: address in use'; exit 3")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, s::start);
            assertTrue(e.getMessage().startsWith("script exited with 3:\n"), e.getMessage());
            assertTrue(e.getMessage().contains("cannot bind: address in use"), e.getMessage());
        }
    }

    @Test
    void theLogTailIsTheLast40Lines() throws Exception {
        Script s = new Script(dir, "");
        Files.writeString(s.log, "line\n".repeat(50) + "last\n");
        assertEquals(40, s.logTail().lines().count());
        assertTrue(s.logTail().endsWith("last"));
    }

    @Test
    void freePortsAreDifferentAndFree() throws Exception {
        int[] ports = ServerProcess.freePorts(3);
        assertNotEquals(ports[0], ports[1]);
        assertNotEquals(ports[1], ports[2]);
        assertNotEquals(ports[0], ports[2]);
        for (int p : ports) {
            assertFalse(ServerProcess.accepts(p));
        }
    }
}
