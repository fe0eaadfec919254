package lodestar.web.board.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One open board: an event stream written without ever blocking a thread. Events wait in a queue bounded in bytes;
 * the servlet container's non-blocking output ({@link WriteListener}) takes them as fast as the client reads. When
 * the queue is full the client is dropped (its page reconnects and gets the whole board again): a slow or stuck
 * client costs at most its buffer, and never delays the others.
 */
final class SseClient implements WriteListener, AsyncListener {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final int maxBytes;
    private final Consumer<SseClient> closed;
    private final String address;

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean dirty;
    private boolean done;

    /**
     * @param maxBytes what may wait for the client; an event into an empty queue is always taken (the whole board
     *                 may be larger)
     * @param closed   told once when the stream ends, whatever ended it
     */
    SseClient(AsyncContext async, ServletOutputStream out, int maxBytes, String address, Consumer<SseClient> closed) {
        this.async = async;
        this.out = out;
        this.maxBytes = maxBytes;
        this.address = address;
        this.closed = closed;
    }

    /** Starts writing: the container calls {@link #onWritePossible} when the stream can take data. */
    void start() {
        async.addListener(this);
        out.setWriteListener(this);
    }

    String address() {
        return address;
    }

    /**
     * Queues an event and writes what the connection takes now.
     *
     * @return false when the client is gone or its queue is full (it is then closed)
     */
    boolean offer(byte[] event) {
        boolean full;
        synchronized (this) {
            if (done) {
                return false;
            }
            full = queuedBytes > 0 && queuedBytes + event.length > maxBytes;
            if (!full) {
                queue.addLast(event);
                queuedBytes += event.length;
            }
        }
        if (full) {
            close(); // outside the lock: completing the stream calls back into the container
            return false;
        }
        pump();
        return true;
    }

    synchronized int queuedBytes() {
        return queuedBytes;
    }

    /** Writes queued events while the connection takes them; flushes when the queue is empty. */
    private void pump() {
        boolean failed = false;
        synchronized (this) {
            try {
                while (!done && out.isReady()) {
                    byte[] next = queue.pollFirst();
                    if (next == null) {
                        if (!dirty) {
                            break;
                        }
                        dirty = false;
                        out.flush();
                        continue;
                    }
                    queuedBytes -= next.length;
                    out.write(next);
                    dirty = true;
                }
            } catch (IOException | IllegalStateException e) {
                failed = true; // the client went away
            }
        }
        if (failed) {
            close();
        }
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    /** Ends the stream (idempotent). */
    void close() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            queue.clear();
            queuedBytes = 0;
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // completed or timed out meanwhile
        }
        closed.accept(this);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
