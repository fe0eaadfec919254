package lodestar.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

class ToolsTest {

    @Test
    void theMessageNamesThePackageOfTheProgramAsked() {
        assertEquals("influxd not found (looked for influxd on the PATH, in /usr/bin and /usr/local/bin); install it"
                + " (Debian: apt-get install influxdb) to run this test", Tools.missing("influxdb", "influxd"));
        assertTrue(Tools.missing("python3-whisper", "whisper-fetch", "whisper-fetch.py")
                .startsWith("whisper-fetch not found (looked for whisper-fetch, whisper-fetch.py "));
    }

    @Test
    void aProgramThatIsThereIsFound() {
        assertTrue(Files.isExecutable(Tools.require("dash", "no-such-program-here", "sh")));
    }
}
