package lodestar.beacon.log.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Follows one file through an open channel. Keeping the channel open is what makes rotation safe: once
 * the file has been renamed away, whatever its writer appended before switching is still read from the
 * old channel, while the new file at the same path is followed from its start. Hands out complete lines
 * only: bytes after the last newline wait for the rest of their line. Used by one thread at a time.
 */
final class Tailer implements Closeable {

    /** A line longer than this is cut here and counted as long; protects memory from a file without newlines. */
    static final int MAX_LINE = 64 * 1024;

    private final Path path;
    private final Object fileKey;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;
    private boolean skippingLongLine;
    private long longLines;

    private Tailer(Path path, Object fileKey, FileChannel channel, long position) {
        this.path = path;
        this.fileKey = fileKey;
        this.channel = channel;
        this.position = position;
    }

    /**
     * @param atEnd start at the current end (only lines written from now on), else at the start
     */
    static Tailer open(Path path, boolean atEnd) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return new Tailer(path, key, ch, atEnd ? ch.size() : 0);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /**
     * Whether the path now names another file than the one we hold (rename and create, detected by the
     * file key: device and inode on Unix). False when the path is gone, or when the file system has no
     * file keys (then only truncation is detected).
     */
    boolean replaced() {
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return fileKey != null && now != null && !Objects.equals(fileKey, now);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads what was appended since the last call and hands each complete line (without its line end,
     * decoded as UTF-8) to {@code lines}.
     *
     * @return whether the file had been truncated (shorter than what we had read), in which case it was
     *         read again from its start
     */
    boolean read(Consumer<String> lines) throws IOException {
        boolean truncated = false;
        if (channel.size() < position) {
            // copytruncate or '> file': the old content is gone, and with it the start of a pending line
            position = 0;
            partial.reset();
            skippingLongLine = false;
            truncated = true;
        }
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                return truncated;
            }
            position += n;
            split(buffer.array(), n, lines);
        }
    }

    /** Hands out the pending partial line as if it were complete: used when the file will grow no more. */
    void flushPartial(Consumer<String> lines) {
        if (partial.size() > 0 && !skippingLongLine) {
            lines.accept(decode(partial.toByteArray(), partial.size()));
        }
        partial.reset();
        skippingLongLine = false;
    }

    /** Lines cut at {@link #MAX_LINE} so far. */
    long longLines() {
        return longLines;
    }

    long position() {
        return position;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void split(byte[] b, int n, Consumer<String> lines) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] != '\n') {
                continue;
            }
            if (skippingLongLine) {
                skippingLongLine = false;
            } else if (partial.size() > 0) {
                partial.write(b, start, i - start);
                lines.accept(decode(partial.toByteArray(), partial.size()));
                partial.reset();
            } else {
                lines.accept(decode(b, start, i - start));
            }
            start = i + 1;
        }
        if (start < n && !skippingLongLine) {
            partial.write(b, start, n - start);
            if (partial.size() > MAX_LINE) {
                // hand out what we have so the line still counts, then drop the rest of it
                lines.accept(decode(partial.toByteArray(), MAX_LINE));
                partial.reset();
                skippingLongLine = true;
                longLines++;
            }
        }
    }

    private static String decode(byte[] b, int len) {
        return decode(b, 0, len);
    }

    private static String decode(byte[] b, int off, int len) {
        if (len > 0 && b[off + len - 1] == '\r') {
            len--; // CRLF files
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }
}
