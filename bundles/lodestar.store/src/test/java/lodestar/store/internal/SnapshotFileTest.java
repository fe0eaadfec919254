package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.Tags;

class SnapshotFileTest {

    static final long MIN = StoreTest.MIN;
    static final long HOUR = StoreTest.HOUR;
    static final long T0 = StoreTest.T0;

    @TempDir
    Path dir;

    static Store fresh() {
        return new Store(new StoreLimits(HOUR, MIN, 7 * 24 * HOUR, 64 << 20), () -> T0);
    }

    /** Raw and rolled-up history, tags, special values, and an open chunk. */
    static Store populated() {
        Store st = fresh();
        st.write(StoreTest.threeHours("cpu.user"));
        List<Sample> b = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            b.add(new Sample("net.bytes", Tags.of("if", "eth0", "host", "ä/ü"), i * 1024.5, T0 - 100_000 + i * 1000,
                    Kind.COUNTER));
        }
        b.add(new Sample("odd", Tags.EMPTY, Double.NaN, T0 - 5, Kind.STATUS));
        b.add(new Sample("odd", Tags.EMPTY, Double.NEGATIVE_INFINITY, T0 - 4, Kind.STATUS));
        st.write(b);
        st.maintain();
        return st;
    }

    @Test
    void aSnapshotLoadsIntoANewStoreWithTheSameAnswers() throws IOException {
        Store a = populated();
        assertTrue(a.rollupBucketCount() > 0);
        SnapshotFile file = new SnapshotFile(dir);
        long size = file.save(a.series(), MIN, T0);
        assertEquals(size, Files.size(dir.resolve("store.snap")));
        assertFalse(Files.exists(dir.resolve("store.snap.tmp")));

        Store b = fresh();
        b.restore(new SnapshotFile(dir).load(b.memory()));

        assertEquals(a.seriesCount(), b.seriesCount());
        assertEquals(a.rawPointCount(), b.rawPointCount());
        assertEquals(a.rollupBucketCount(), b.rollupBucketCount());
        List<SeriesInfo> infos = a.find(null);
        assertEquals(infos, b.find(null));
        for (SeriesInfo info : infos) {
            for (long step : new long[] {0, 1000, MIN, 7 * MIN}) {
                var x = a.query(info.key(), 0, Long.MAX_VALUE, step);
                var y = b.query(info.key(), 0, Long.MAX_VALUE, step);
                assertArrayEquals(x.timestamps(), y.timestamps(), info.key() + " step " + step);
                assertArrayEquals(x.values(), y.values(), info.key() + " step " + step);
            }
        }
        assertTrue(Double.isNaN(b.query("odd", 0, T0, 0).values()[0]));
        // a restored store keeps taking points after its history, and rolls them up the same way
        b.write(List.of(new Sample("cpu.user", Tags.EMPTY, 1, T0 + 1, Kind.GAUGE)));
        assertEquals(a.rawPointCount() + 1, b.rawPointCount());
        assertTrue(b.bytesUsed() > 0);
    }

    @Test
    void everyFlippedByteIsDetectedAndTheFileKeptAside() throws IOException {
        Store a = populated();
        SnapshotFile file = new SnapshotFile(dir);
        file.save(a.series(), MIN, T0);
        byte[] good = Files.readAllBytes(file.file());
        int[] positions = {0, 5, 12, 30, good.length / 3, good.length / 2, good.length - 10, good.length - 5,
                good.length - 1};
        for (int pos : positions) {
            byte[] bad = good.clone();
            bad[pos] ^= 0x10;
            Files.write(file.file(), bad);
            Store b = fresh();
            b.restore(file.load(b.memory()));
            assertEquals(0, b.seriesCount(), "flip at " + pos);
            assertEquals(0, b.bytesUsed(), "memory given back after a partial load, flip at " + pos);
            assertFalse(Files.exists(file.file()));
            try (Stream<Path> files = Files.list(dir)) {
                Path aside = files.filter(p -> p.getFileName().toString().startsWith("store.snap.corrupt-"))
                        .findFirst().orElseThrow();
                assertArrayEquals(bad, Files.readAllBytes(aside));
                Files.delete(aside);
            }
        }
    }

    @Test
    void aTruncatedOrForeignFileIsIgnored() throws IOException {
        SnapshotFile file = new SnapshotFile(dir);
        file.save(populated().series(), MIN, T0);
        byte[] good = Files.readAllBytes(file.file());
        for (byte[] bad : new byte[][] {java.util.Arrays.copyOf(good, good.length / 2), new byte[0],
                "hello world".getBytes()}) {
            Files.write(file.file(), bad);
            Store b = fresh();
            b.restore(file.load(b.memory()));
            assertEquals(0, b.seriesCount());
        }
    }

    @Test
    void noFileIsAnEmptyStore() {
        assertEquals(List.of(), new SnapshotFile(dir.resolve("missing")).load(new MemoryAccount()));
    }
}
