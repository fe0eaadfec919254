package lodestar.web.graphite.internal;

import java.util.List;

/** Where path expressions are looked up and read: the store, or a stand-in. */
interface SeriesSource {

    /** Series matching a path expression between two epoch seconds, sorted by name, each at its own step. */
    List<Series> fetch(PathGlob glob, long from, long until, Budget budget);

    /** Tree nodes one level down: see {@link Finder}. */
    List<Finder.Node> children(PathGlob glob, int maxNodes);
}
