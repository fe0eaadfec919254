package lodestar.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TelnetLineReaderTest {

    private static final int IAC = 0xFF;

    private static TelnetLineReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new TelnetLineReader(new ByteArrayInputStream(b));
    }

    private static int[] ascii(String s) {
        return s.chars().toArray();
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    @Test
    void linesEndAtLfCrLfCrNulOrCr() throws IOException {
        TelnetLineReader r = reader(ascii("lb\r\nstatus\nps\r\0a\rb"));
        assertEquals("lb", r.readLine());
        assertEquals("status", r.readLine());
        assertEquals("ps", r.readLine());
        assertEquals("a", r.readLine());
        assertEquals("b", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void stripsNegotiationSubnegotiationAndCommands() throws IOException {
        TelnetLineReader r = reader(concat(
                new int[] {IAC, 0xFD, 0x03, IAC, 0xFB, 0x18}, // DO SUPPRESS-GO-AHEAD, WILL TERMINAL-TYPE
                ascii("he"),
                new int[] {IAC, 0xFA, 0x18, 0x00, 'x', IAC, IAC, 't', IAC, 0xF0}, // SB TERMINAL-TYPE IS x\xFFt SE
                ascii("lp"),
                new int[] {IAC, 0xF1}, // NOP
                ascii(" x"),
                new int[] {IAC, IAC}, // escaped data byte 0xFF: kept (and not valid UTF-8)
                ascii("\r\n")));
        assertEquals("help x\uFFFD", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void interruptDropsTheLineBeingTyped() throws IOException {
        TelnetLineReader r = reader(concat(ascii("stop 0"), new int[] {IAC, 0xF4, IAC, 0xFD, 0x06}, ascii("lb\n"),
                ascii("oops"), new int[] {0x03}, ascii("ok\n")));
        assertEquals("lb", r.readLine());
        assertEquals("ok", r.readLine());
    }

    @Test
    void backspaceRemovesWholeCharacters() throws IOException {
        byte[] bytes = "caf\u00e9\b\b\u00e9s\u007f\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("ca\u00e9", new TelnetLineReader(new ByteArrayInputStream(bytes)).readLine());
    }

    @Test
    void ctrlDEndsInputAndAPartialLastLineStillCounts() throws IOException {
        TelnetLineReader r = reader(concat(ascii("lb\nhalf"), new int[] {0x04}, ascii("more\n")));
        assertEquals("lb", r.readLine());
        assertNull(r.readLine());
        assertEquals("tail", reader(ascii("tail")).readLine());
        assertNull(reader(IAC).readLine());
        assertNull(reader(IAC, 0xFA, 1, 2).readLine());
    }

    @Test
    void refusesEndlessLines() {
        byte[] big = new byte[TelnetLineReader.MAX_LINE + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        TelnetLineReader r = new TelnetLineReader(new ByteArrayInputStream(big));
        assertThrows(TelnetLineReader.LineTooLongException.class, r::readLine);
    }

    @Test
    void crlfOutputTurnsBareLfIntoCrLf() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (CrlfOutputStream out = new CrlfOutputStream(sink)) {
            out.write("a\nb\r\nc\r".getBytes(StandardCharsets.US_ASCII));
            out.write('\n');
            out.write('\n');
            out.write("\nd".getBytes(StandardCharsets.US_ASCII), 0, 2);
        }
        assertEquals("a\r\nb\r\nc\r\n\r\n\r\nd", sink.toString(StandardCharsets.US_ASCII));
    }
}
