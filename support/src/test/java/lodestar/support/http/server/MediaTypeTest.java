package lodestar.support.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MediaTypeTest {

    @Test
    void theTypeWithoutParametersInLowerCase() {
        assertEquals("application/json", MediaType.of(" Application/JSON ; charset=utf-8"));
        assertEquals("application/x-protobuf", MediaType.of("application/x-protobuf"));
        assertEquals("", MediaType.of(null));
        assertEquals("", MediaType.of(";;;"));
    }

    @Test
    void theFirstParameterOfThatNameAsSent() {
        String v2 = "application/x-protobuf; Proto = io.prometheus.write.v2.Request";
        assertNull(MediaType.parameter(v2, "proto"), "no blanks around '=' in a parameter (RFC 9110)");
        assertEquals("io.prometheus.write.v2.Request", MediaType.parameter("application/x-protobuf;PROTO=io.prometheus.write.v2.Request", "proto"));
        assertEquals("a", MediaType.parameter("x/y; charset=utf-8 ;proto=a; proto=b", "proto"));
        assertNull(MediaType.parameter("x/y", "proto"));
        assertNull(MediaType.parameter(null, "proto"));
        assertNull(MediaType.parameter("proto=a", "proto"), "the type is not a parameter");
    }
}
