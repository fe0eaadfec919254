package lodestar.store.internal;

/**
 * The store's tunables in milliseconds and bytes, parsed once from the configuration so the hot path
 * reads plain longs. Immutable: a {@code @Modified} configuration swaps the whole object.
 *
 * @param rawRetention    how long points are kept at full resolution
 * @param rollupStep      width of a rollup bucket
 * @param rollupRetention how long rollup buckets are kept (0: no rollups)
 * @param maxMemory       the cap on the estimated heap the store holds
 */
record StoreLimits(long rawRetention, long rollupStep, long rollupRetention, long maxMemory) {

    StoreLimits {
        if (rawRetention <= 0) {
            throw new IllegalArgumentException("rawRetention: must be positive, got " + rawRetention + "ms");
        }
        if (rollupStep <= 0) {
            throw new IllegalArgumentException("rollupStep: must be positive, got " + rollupStep + "ms");
        }
        if (rollupRetention < 0) {
            throw new IllegalArgumentException("rollupRetention: must not be negative, got " + rollupRetention + "ms");
        }
        if (maxMemory <= 0) {
            throw new IllegalArgumentException("maxMemory: must be positive, got " + maxMemory + " bytes");
        }
    }

    /** Longest span of one raw chunk: an eighth of the raw window, so data leaves it in small steps. */
    long chunkSpan() {
        return Math.max(1, rawRetention / 8);
    }

    /** Longest span of one rollup chunk, so rollups expire in steps of an eighth of their retention. */
    long rollupChunkSpan() {
        return Math.max(rollupStep, rollupRetention / 8);
    }

    /** After an eviction the store is brought down to this, so it doesn't evict on every batch. */
    long lowWatermark() {
        return maxMemory - maxMemory / 20;
    }

    /** A series whose latest point is older than this is gone entirely. */
    long seriesRetention() {
        return Math.max(rawRetention, rollupRetention);
    }
}
