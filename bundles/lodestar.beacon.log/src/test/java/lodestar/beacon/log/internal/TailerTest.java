package lodestar.beacon.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line splitting of one followed file. */
class TailerTest {

    @TempDir
    Path dir;

    @Test
    void overlongLinesAreCutAndTheRestSkipped() throws IOException {
        Path f = dir.resolve("x.log");
        String huge = "E".repeat(Tailer.MAX_LINE * 2 + 10);
        Files.writeString(f, "a\n" + huge + "\nb\n");
        List<String> lines = new ArrayList<>();
        try (Tailer t = Tailer.open(f, false)) {
            t.read(lines::add);
            assertEquals(1, t.longLines());
        }
        assertEquals(3, lines.size());
        assertEquals("a", lines.get(0));
        assertEquals(Tailer.MAX_LINE, lines.get(1).length());
        assertEquals("b", lines.get(2));
    }

    @Test
    void utf8SplitAcrossReadsIsDecodedWhole() throws IOException {
        Path f = dir.resolve("x.log");
        byte[] line = "été\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(f, java.util.Arrays.copyOf(line, 1 + 1)); // "é" cut in the middle
        List<String> lines = new ArrayList<>();
        try (Tailer t = Tailer.open(f, false)) {
            t.read(lines::add);
            Files.write(f, line);
            t.read(lines::add);
        }
        assertEquals(List.of("été"), lines);
    }
}
