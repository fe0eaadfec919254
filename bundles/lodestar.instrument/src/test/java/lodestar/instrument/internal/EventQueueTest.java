package lodestar.instrument.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class EventQueueTest {

    @Test
    void boundedInOrderAndReusableAfterWrapping() {
        EventQueue q = new EventQueue(5);
        assertEquals(8, q.capacity());
        for (int lap = 0; lap < 3; lap++) {
            for (int i = 0; i < 8; i++) {
                assertTrue(q.offer(i, lap * 100 + i));
            }
            assertFalse(q.offer(9, 9), "full");
            List<Long> got = new ArrayList<>();
            assertEquals(8, q.drain((id, v) -> got.add(v * 1000 + id), 100));
            for (int i = 0; i < 8; i++) {
                assertEquals((lap * 100L + i) * 1000 + i, got.get(i));
            }
            assertEquals(0, q.drain((id, v) -> { }, 100));
        }
    }

    @Test
    void concurrentProducersLoseNothingThatWasAccepted() throws Exception {
        EventQueue q = new EventQueue(1 << 12);
        int producers = 4;
        int each = 200_000;
        AtomicLong refused = new AtomicLong();
        AtomicLong drainedSum = new AtomicLong();
        AtomicLong drainedCount = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                for (int i = 1; i <= each; i++) {
                    if (!q.offer(id, i)) {
                        refused.incrementAndGet();
                        drainedSum.addAndGet(i); // counted as if delivered, so the sum check stays exact
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        Thread consumer = new Thread(() -> {
            while (threads.stream().anyMatch(Thread::isAlive) || q.size() > 0) {
                q.drain((id, v) -> {
                    drainedSum.addAndGet(v);
                    drainedCount.incrementAndGet();
                }, 1000);
            }
        });
        consumer.start();
        for (Thread t : threads) {
            t.join();
        }
        consumer.join();
        assertEquals((long) producers * each, drainedCount.get() + refused.get());
        assertEquals(producers * ((long) each * (each + 1) / 2), drainedSum.get());
    }
}
