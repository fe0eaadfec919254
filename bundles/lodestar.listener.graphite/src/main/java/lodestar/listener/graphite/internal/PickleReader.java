package lodestar.listener.graphite.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.support.text.Utf8Decoder;

/**
 * A pickle interpreter for data only: lists, tuples, strings, numbers, None/True/False, marks and the
 * memo. It has no opcode that finds a class or calls anything, so a pickle can never make it run code;
 * the opcodes that would (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT*,
 * PERSID) are rejected as {@link Rejected}, as are dicts and sets, which a Graphite pickle never holds.
 *
 * <p>Protocols 0-2 in full for those types, plus the harmless data opcodes of protocols 3 and 4
 * (BINBYTES, SHORT_BINBYTES, SHORT_BINUNICODE, BINUNICODE8, MEMOIZE, FRAME), because Python 3's
 * {@code pickle.dumps} without a protocol argument writes them. Every length is checked against the
 * bytes present, so a message costs at most memory proportional to its size.
 */
final class PickleReader {

    /** A pickle that asks for something this reader refuses to do (construct objects, call functions). */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Longest decimal integer accepted: a Graphite value or timestamp never needs more. */
    private static final int MAX_DIGITS = 400;

    private final byte[] a;
    private int pos;
    private final int end;
    private final List<Object> stack = new ArrayList<>();
    private int[] marks = new int[8];
    private int markCount;
    private final Map<Integer, Object> memo = new HashMap<>();
    private Utf8Decoder utf8;

    private PickleReader(byte[] a, int off, int len) {
        this.a = a;
        this.pos = off;
        this.end = off + len;
    }

    /**
     * The object a pickle describes.
     *
     * @throws Rejected when it uses an opcode that builds objects or calls code
     * @throws BadInput when it is malformed or truncated
     */
    static Object read(byte[] a, int off, int len) throws BadInput, Rejected {
        return new PickleReader(a, off, len).run();
    }

    private Object run() throws BadInput, Rejected {
        while (pos < end) {
            int op = a[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw new BadInput("unsupported pickle protocol " + v);
                    }
                }
                case 0x95 -> need(8).skip(8); // FRAME: a length hint, the data follows inline
                case '.' -> { // STOP
                    if (stack.size() != 1 || markCount != 0) {
                        throw new BadInput("STOP with " + stack.size() + " objects on the stack");
                    }
                    return stack.get(0);
                }
                case '(' -> mark();
                case '0' -> pop();
                case '1' -> popToMark();
                case '2' -> push(peek());
                case 'N' -> push(Pickled.NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'I' -> push(intLine(line()));
                case 'J' -> push((long) s32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) u16());
                case 'L' -> push(longLine(line()));
                case 0x8a -> push(longBytes(u8()));
                case 0x8b -> push(longBytes(length(s32())));
                case 'F' -> push(floatLine(line()));
                case 'G' -> push(Double.longBitsToDouble(need(8).s64be()));
                case 'S' -> push(utf8(quoted(line())));
                case 'T' -> push(utf8(bytes(length(s32()))));
                case 'U', 'C' -> push(utf8(bytes(u8())));
                case 'B' -> push(utf8(bytes(length(s32()))));
                case 'V' -> push(rawUnicodeEscape(line()));
                case 'X' -> push(utf8(bytes(length(s32()))));
                case 0x8c -> push(utf8(bytes(u8())));
                case 0x8d, 0x8e -> push(utf8(bytes(length(need(8).s64le()))));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popToMark()));
                case 'a' -> {
                    Object item = pop();
                    list(peek()).add(item);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    list(peek()).addAll(items);
                }
                case ')' -> push(new Pickled(List.of()));
                case 't' -> push(tuple(popToMark()));
                case 0x85 -> push(tuple(pops(1)));
                case 0x86 -> push(tuple(pops(2)));
                case 0x87 -> push(tuple(pops(3)));
                case 'p' -> memo.put(index(line()), peek());
                case 'q' -> memo.put(u8(), peek());
                case 'r' -> memo.put(memoIndex(s32()), peek());
                case 0x94 -> memo.put(memo.size(), peek());
                case 'g' -> push(memoGet(index(line())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(memoIndex(s32())));
                case 'c', 0x93, 'R', 'b', 'i', 'o', 0x81, 0x92, 0x82, 0x83, 0x84, 'P', 'Q' ->
                        throw new Rejected("opcode " + name(op) + " would construct an object or call code");
                case '}', 'd', 's', 'u', 0x8f, 0x90, 0x91 ->
                        throw new Rejected("opcode " + name(op) + " builds a dict or set, not Graphite's list of tuples");
                default -> throw new BadInput("unknown or unsupported pickle opcode 0x" + Integer.toHexString(op));
            }
        }
        throw new BadInput("pickle ends without STOP");
    }

    private static String name(int op) {
        return switch (op) {
            case 'c' -> "GLOBAL";
            case 0x93 -> "STACK_GLOBAL";
            case 'R' -> "REDUCE";
            case 'b' -> "BUILD";
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 'P', 'Q' -> "PERSID";
            case 0x82, 0x83, 0x84 -> "EXT";
            default -> "0x" + Integer.toHexString(op);
        };
    }

    /* ---------------------------------------------------------------- the stack */

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws BadInput {
        if (stack.size() <= floor()) {
            throw new BadInput("pickle stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws BadInput {
        if (stack.size() <= floor()) {
            throw new BadInput("pickle stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    /** Objects above the innermost mark are the only ones ops other than mark-ops may touch. */
    private int floor() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private List<Object> pops(int n) throws BadInput {
        if (stack.size() - floor() < n) {
            throw new BadInput("pickle stack underflow");
        }
        List<Object> sub = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private void mark() {
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    private List<Object> popToMark() throws BadInput {
        if (markCount == 0) {
            throw new BadInput("pickle has no MARK to pop to");
        }
        int m = marks[--markCount];
        List<Object> sub = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private static Pickled tuple(List<Object> items) {
        return new Pickled(List.copyOf(items));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) throws BadInput {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw new BadInput("APPEND to something that is not a list");
    }

    private static int memoIndex(int i) throws BadInput {
        if (i < 0) {
            throw new BadInput("negative memo index");
        }
        return i;
    }

    private Object memoGet(int i) throws BadInput {
        Object o = memo.get(i);
        if (o == null) {
            throw new BadInput("memo key " + i + " not set");
        }
        return o;
    }

    /* ---------------------------------------------------------------- reading bytes */

    private PickleReader need(int n) throws BadInput {
        if (end - pos < n) {
            throw new BadInput("pickle truncated");
        }
        return this;
    }

    private void skip(int n) {
        pos += n;
    }

    private int u8() throws BadInput {
        need(1);
        return a[pos++] & 0xff;
    }

    private int u16() throws BadInput {
        need(2);
        int v = (a[pos] & 0xff) | (a[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private int s32() throws BadInput {
        need(4);
        int v = (a[pos] & 0xff) | (a[pos + 1] & 0xff) << 8 | (a[pos + 2] & 0xff) << 16 | (a[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long s64le() {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (a[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private long s64be() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (a[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    /** A length read from the pickle, checked against the bytes left so nothing is allocated for a lie. */
    private int length(long n) throws BadInput {
        if (n < 0 || n > end - pos) {
            throw new BadInput("pickle length " + n + " exceeds the message");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws BadInput {
        need(n);
        byte[] b = Arrays.copyOfRange(a, pos, pos + n);
        pos += n;
        return b;
    }

    /** The text up to the next '\n' (protocol 0 arguments), as ASCII/Latin-1. */
    private String line() throws BadInput {
        for (int i = pos; i < end; i++) {
            if (a[i] == '\n') {
                String s = new String(a, pos, i - pos, StandardCharsets.ISO_8859_1);
                pos = i + 1;
                return s;
            }
        }
        throw new BadInput("pickle truncated in a text argument");
    }

    /* ---------------------------------------------------------------- values */

    /** Strict UTF-8, without the exception the JDK's decoder throws on a bad byte (costly, and senders can flood it). */
    private String utf8(byte[] b) throws BadInput {
        if (utf8 == null) {
            utf8 = new Utf8Decoder();
        }
        String s = utf8.decode(b, 0, b.length);
        if (s == null) {
            throw new BadInput("string in pickle is not UTF-8");
        }
        return s;
    }

    private static int index(String s) throws BadInput {
        try {
            int i = Integer.parseInt(s.trim());
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new BadInput("bad memo index", s);
        }
    }

    /** INT: Python 2 writes True/False as I01/I00 and large values as decimal. */
    private static Object intLine(String s) throws BadInput {
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        return longLine(s);
    }

    private static Object longLine(String s) throws BadInput {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > MAX_DIGITS || !t.matches("[+-]?\\d+")) {
            throw new BadInput("bad integer in pickle", s);
        }
        BigInteger b = new BigInteger(t);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private Object longBytes(int n) throws BadInput {
        if (n > MAX_DIGITS) {
            throw new BadInput("integer of " + n + " bytes in pickle");
        }
        if (n == 0) {
            return 0L;
        }
        byte[] le = bytes(n);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private static Double floatLine(String s) throws BadInput {
        String t = s.trim();
        switch (t) {
            case "nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                if (t.length() > MAX_DIGITS || !t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                    throw new BadInput("bad float in pickle", s);
                }
                return Double.parseDouble(t);
            }
        }
    }

    /** Protocol 0's STRING argument: a Python repr, 'text' or "text", with backslash escapes. */
    private static byte[] quoted(String s) throws BadInput {
        if (s.length() < 2 || s.charAt(0) != s.charAt(s.length() - 1) || (s.charAt(0) != '\'' && s.charAt(0) != '"')) {
            throw new BadInput("STRING argument is not quoted");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i >= s.length() - 1) {
                throw new BadInput("STRING ends in a backslash");
            }
            char e = s.charAt(i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case '\\', '\'', '"' -> out.write(e);
                case 'x' -> {
                    if (i + 2 > s.length() - 2) {
                        throw new BadInput("bad \\x escape in STRING");
                    }
                    out.write(hex(s, i + 1, 2));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = 0;
                        int n = 0;
                        while (n < 3 && i < s.length() - 1 && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + (s.charAt(i) - '0');
                            i++;
                            n++;
                        }
                        i--;
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Protocol 0's UNICODE argument: Latin-1 text with backslash-u escapes (raw-unicode-escape). */
    private static String rawUnicodeEscape(String s) throws BadInput {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int n = s.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + n > s.length()) {
                    throw new BadInput("bad \\u escape in UNICODE");
                }
                int cp = hex(s, i + 2, n);
                if (!Character.isValidCodePoint(cp)) {
                    throw new BadInput("bad code point in UNICODE");
                }
                b.appendCodePoint(cp);
                i += 1 + n;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int hex(String s, int from, int n) throws BadInput {
        long v = 0;
        for (int i = from; i < from + n; i++) {
            int d = i < s.length() ? Character.digit(s.charAt(i), 16) : -1;
            if (d < 0) {
                throw new BadInput("bad hex escape");
            }
            v = v * 16 + d;
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}
