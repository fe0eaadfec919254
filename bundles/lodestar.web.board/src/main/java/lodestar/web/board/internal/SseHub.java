package lodestar.web.board.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open boards: at most {@code maxClients}; an event goes to each client's own queue ({@link SseClient}), so a
 * slow client is dropped rather than waited for.
 */
final class SseHub {

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private volatile int maxClients;

    final AtomicLong connected = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong events = new AtomicLong();

    SseHub(int maxClients) {
        this.maxClients = maxClients;
    }

    int maxClients() {
        return maxClients;
    }

    void maxClients(int max) {
        this.maxClients = max;
    }

    /** Takes a new client, or refuses it (false) when {@code maxClients} are open. */
    synchronized boolean admit(SseClient c) {
        if (clients.size() >= maxClients) {
            refused.incrementAndGet();
            return false;
        }
        clients.add(c);
        connected.incrementAndGet();
        return true;
    }

    /** A client's stream ended. */
    void gone(SseClient c) {
        clients.remove(c);
    }

    /** Sends an event to every client; clients whose queue is full are dropped. */
    void broadcast(byte[] event) {
        events.incrementAndGet();
        for (SseClient c : clients) {
            if (!c.offer(event)) {
                dropped.incrementAndGet();
            }
        }
    }

    int size() {
        return clients.size();
    }

    /** Ends every stream (the board stops). */
    void closeAll() {
        for (SseClient c : List.copyOf(clients)) {
            c.close();
        }
        clients.clear();
    }
}
