package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import lodestar.api.Kind;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** A Graphite sink's target, changed through ConfigAdmin, changes where the samples go. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SinkTargetIT extends LodestarTestSupport {

    private static final String FACTORY = "lodestar.sink.graphite";
    private final List<CarbonServer> servers = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return lodestar();
    }

    @After
    public void closeServers() {
        servers.forEach(CarbonServer::close);
    }

    private CarbonServer server(CarbonServer s) {
        servers.add(s);
        return s;
    }

    @Test
    public void portChangeMovesTheSamplesToTheNewServer() throws Exception {
        CarbonServer a = server(CarbonServer.plaintext());
        CarbonServer b = server(CarbonServer.plaintext());
        Pipeline pipeline = pipeline();

        configureFactory(FACTORY, "t1", "host", "127.0.0.1", "port", a.port(), "flushInterval", "100ms",
                "include", new String[] {"itest.**"});
        await("sink graphite-t1 running", () -> status("sink", "graphite-t1").isPresent());

        long t = System.currentTimeMillis() - 60_000;
        pipeline.emit(new Sample("itest.target.one", Tags.EMPTY, 1, t, Kind.GAUGE));
        await("itest.target.one at A", () -> a.lines("itest.target.one ").size() == 1);
        assertEquals("itest.target.one 1.0 " + t / 1000, normalize(a.lines("itest.target.one ").get(0)));
        assertTrue("include=itest.** keeps the rest out: " + a.lines(), a.lines().stream().allMatch(l -> l.startsWith("itest.")));

        configureFactory(FACTORY, "t1", "host", "127.0.0.1", "port", b.port(), "flushInterval", "100ms",
                "include", new String[] {"itest.**"});
        // ConfigAdmin delivers asynchronously: emit until the new target sees something
        int[] n = {0};
        await("samples reach B after the port change", () -> {
            pipeline.emit(new Sample("itest.target.switch", Tags.EMPTY, ++n[0], t + n[0] * 1000L, Kind.GAUGE));
            Thread.sleep(100);
            return !b.lines("itest.target.switch ").isEmpty();
        });
        // from now on everything goes to B and nothing to A
        int before = a.lines().size();
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(new Sample("itest.target.two", Tags.of("i", String.valueOf(i)), i, t + 100_000 + i * 1000L, Kind.GAUGE));
        }
        pipeline.emitAll(batch);
        await("all 50 samples at B", () -> b.lines("itest.target.two;").size() == 50);
        Thread.sleep(300); // three flush intervals: anything misrouted would have arrived
        assertEquals("nothing more at A: " + a.lines(), before, a.lines().size());
        assertEquals(List.of(), a.lines("itest.target.two"));
        assertTrue(status("sink", "graphite-t1").isPresent());
        assertEquals("one instance only: " + pipeline.status(), 1,
                pipeline.status().stream().filter(s -> s.name().startsWith("graphite-")).count());
    }

    @Test
    public void pickleProtocolSendsFramedBatches() throws Exception {
        CarbonServer c = server(CarbonServer.raw());
        configureFactory(FACTORY, "p1", "host", "127.0.0.1", "port", c.port(), "protocol", "pickle",
                "flushInterval", "100ms", "include", new String[] {"itest.**"});
        await("sink graphite-p1 running", () -> status("sink", "graphite-p1").isPresent());

        pipeline().emit(Sample.gauge("itest.pickled", 42));
        await("a pickle frame naming itest.pickled", () -> {
            byte[] bytes = c.bytes();
            return bytes.length > 4 && new String(bytes, StandardCharsets.ISO_8859_1).contains("itest.pickled");
        });
        byte[] bytes = c.bytes();
        long frame = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16) | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
        assertTrue("4-byte big-endian length header then the payload: " + frame + " vs " + bytes.length,
                frame > 0 && frame <= bytes.length - 4);
        assertEquals("pickle protocol 2 opcode", 0x80, bytes[4] & 0xff);
    }

    /** {@code name value timestamp}, the value as a double (the sink may write 1 or 1.0). */
    private static String normalize(String line) {
        String[] p = line.split(" ");
        return p[0] + " " + Double.parseDouble(p[1]) + " " + p[2];
    }
}
