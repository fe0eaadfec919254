package lodestar.web.explorer.internal;

/**
 * The explorer's HTML: a fixed skeleton that the script fills. The settings it carries are numbers and a path
 * already checked against {@code (/[A-Za-z0-9._~-]+)*}, so nothing here needs escaping; everything a series name
 * brings in is put into the page by the script as text ({@code textContent}), never as markup.
 */
final class Page {

    private Page() {
    }

    static String html(ExplorerServlet.Settings s) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Lodestar explorer</title>
                <link rel="stylesheet" href="/explore/uPlot.min.css">
                <link rel="stylesheet" href="/explore/explorer.css">
                </head>
                <body data-max-series="%d" data-refresh-ms="%d" data-api="%s">
                <header>
                  <h1>Lodestar explorer</h1>
                  <nav id="ranges" aria-label="time range"></nav>
                  <span id="status" role="status"></span>
                </header>
                <main>
                  <section id="search">
                    <form id="find">
                      <input id="query" name="query" type="search" maxlength="500" placeholder="series glob, e.g. system.*.load.*"
                             autocomplete="off" spellcheck="false" aria-label="series glob">
                      <button type="submit">Search</button>
                      <button type="button" id="plot-glob" title="plot every series the glob matches">Plot glob</button>
                    </form>
                    <ul id="results"></ul>
                    <p id="results-note"></p>
                  </section>
                  <section id="view">
                    <ul id="targets"></ul>
                    <p id="note"></p>
                    <div id="chart"></div>
                    <table id="series">
                      <thead><tr><th></th><th>series</th><th>tags</th><th>last value</th><th>at</th></tr></thead>
                      <tbody></tbody>
                    </table>
                    <p class="share">Link to this view: <a id="share" href="/explore">/explore</a></p>
                  </section>
                </main>
                <script src="/explore/uPlot.iife.min.js"></script>
                <script src="/explore/explorer.js"></script>
                </body>
                </html>
                """.formatted(s.maxSeries(), s.refreshMillis(), s.apiPath());
    }
}
