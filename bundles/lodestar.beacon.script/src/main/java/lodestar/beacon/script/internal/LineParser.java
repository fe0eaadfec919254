package lodestar.beacon.script.internal;

import java.util.List;

/** Reads one non-blank, non-comment line of one output format. Stateless and thread-safe. */
interface LineParser {

    /**
     * @return the values on the line: one for PuyPuy and Graphite, one per numeric field for InfluxDB
     *         (possibly none when every field is a string)
     * @throws BadLineException when the line is not in this format
     */
    List<Metric> parse(String line) throws BadLineException;
}
