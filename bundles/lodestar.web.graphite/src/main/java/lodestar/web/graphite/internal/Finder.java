package lodestar.web.graphite.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import lodestar.support.json.Json;

/** {@code /metrics/find}: the nodes one level down a path expression, in graphite-web's JSON shapes. */
final class Finder {

    /** One node: its full path, its last component, whether it is a series (else a branch). */
    record Node(String path, String name, boolean leaf) {
    }

    private Finder() {
    }

    /** graphite-web's {@code tree_json}: branches first, then leaves, each sorted by name; ids from the query's base. */
    static StringBuilder treeJson(StringBuilder b, String query, List<Node> nodes) {
        String base = query.indexOf('.') >= 0 ? query.substring(0, query.lastIndexOf('.') + 1) : "";
        List<Node> branches = new ArrayList<>();
        List<Node> leaves = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // graphite-web sorts the matches by node name (stably), then keeps the first of each name
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(Node::name));
        for (Node n : sorted) {
            if (!seen.add(n.name())) {
                continue;
            }
            (n.leaf() ? leaves : branches).add(n);
        }
        b.append('[');
        boolean first = true;
        for (List<Node> group : List.of(branches, leaves)) {
            for (Node n : group) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                b.append("{\"text\": ");
                Json.string(b, n.name());
                b.append(", \"id\": ");
                Json.string(b, base + n.name());
                b.append(n.leaf() ? ", \"allowChildren\": 0, \"expandable\": 0, \"leaf\": 1}"
                        : ", \"allowChildren\": 1, \"expandable\": 1, \"leaf\": 0}");
            }
        }
        return b.append(']');
    }

    /** graphite-web's {@code completer}: {@code {"metrics": [{"path", "name", "is_leaf"}]}}, branch paths end in a dot. */
    static StringBuilder completer(StringBuilder b, List<Node> unsorted) {
        List<Node> nodes = new ArrayList<>(unsorted);
        nodes.sort(Comparator.comparing(Node::name));
        b.append("{\"metrics\": [");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (i > 0) {
                b.append(", ");
            }
            b.append("{\"path\": ");
            Json.string(b, n.leaf() ? n.path() : n.path() + ".");
            b.append(", \"name\": ");
            Json.string(b, n.name());
            b.append(", \"is_leaf\": \"").append(n.leaf() ? 1 : 0).append("\"}");
        }
        return b.append("]}");
    }
}
