package lodestar.support.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UdpReceiveBufferTest {

    @Test
    void procNetUdpDrops() {
        String line = " 1234: 0100007F:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 123456 2 0000000000000000 42";
        assertEquals(42, UdpReceiveBuffer.drops(line, 8125));
        assertEquals(-1, UdpReceiveBuffer.drops(line, 8126));
    }
}
