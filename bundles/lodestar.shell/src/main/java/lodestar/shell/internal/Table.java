package lodestar.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text table with aligned columns: two spaces between columns, no trailing blanks, one line per
 * row. Columns are left-aligned unless marked numeric (right-aligned), so a person can read it and
 * {@code awk} can split it on blanks (the last column may contain blanks, earlier ones never do).
 */
final class Table {

    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param header column titles; a title ending in {@code >} is right-aligned (the marker is dropped)
     */
    Table(String... header) {
        this.header = new String[header.length];
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].endsWith(">");
            this.header[i] = right[i] ? header[i].substring(0, header[i].length() - 1) : header[i];
        }
    }

    Table row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("expected " + header.length + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header line and every row, each line ending with {@code \n}. */
    String render() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, header, width);
        for (String[] r : rows) {
            line(b, r, width);
        }
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] width) {
        int start = b.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            int pad = width[i] - cells[i].length();
            if (right[i]) {
                b.append(" ".repeat(pad)).append(cells[i]);
            } else {
                b.append(cells[i]);
                if (i < cells.length - 1) {
                    b.append(" ".repeat(pad));
                }
            }
        }
        // an empty last column would leave the previous column's padding behind
        int end = b.length();
        while (end > start && b.charAt(end - 1) == ' ') {
            end--;
        }
        b.setLength(end);
        b.append('\n');
    }
}
