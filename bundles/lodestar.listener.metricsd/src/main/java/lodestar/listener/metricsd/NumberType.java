package lodestar.listener.metricsd;

/** The number encodings of the MetricsD protocol: a type byte, then the value big-endian. */
public enum NumberType {
    U8(0x00, 1), I8(0x01, 1), U16(0x10, 2), I16(0x11, 2), U32(0x20, 4), I32(0x21, 4), U64(0x30, 8), I64(0x31, 8),
    F32(0x40, 4), F64(0x41, 8);

    private final int code;
    private final int size;

    NumberType(int code, int size) {
        this.code = code;
        this.size = size;
    }

    /** The type byte. */
    public int code() {
        return code;
    }

    /** Bytes of the value after the type byte. */
    public int size() {
        return size;
    }

    /** True for the integer types whose wire value is unsigned. */
    public boolean unsigned() {
        return this == U8 || this == U16 || this == U32 || this == U64;
    }

    /** The type for a type byte, or null when the protocol has none. */
    public static NumberType of(int code) {
        for (NumberType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
