package lodestar.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real graphite-web (Debian's graphite-web 1.1.8) over a carbon's whisper folder, on a free loopback port:
 * its own settings module (storage and whisper folders, UTC, no carbonlink, a secret, a sqlite database in
 * its folder, xFilesFactor 0 as Debian ships it), migrated, then the Django WSGI application served by
 * Python's wsgiref in the foreground. For differential tests of Lodestar's Graphite API.
 */
public final class GraphiteWebProcess extends ServerProcess {

    public final int port;
    private final Path python;

    /**
     * @param python   the python3 interpreter
     * @param storage  carbon's STORAGE_DIR
     * @param whisper  carbon's WHISPER_DIR
     * @param dir      this server's folder
     */
    public GraphiteWebProcess(Path python, Path storage, Path whisper, Path dir) throws IOException {
        super("graphite-web", dir, "graphite-web.out");
        this.python = python;
        this.port = freePort();
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(dir.resolve("lodestar_graphite_settings.py"), String.join("\n",
                "SECRET_KEY = 'lodestar-differential-test'",
                "TIME_ZONE = 'UTC'",
                "STORAGE_DIR = " + py(storage),
                "WHISPER_DIR = " + py(whisper),
                "STANDARD_DIRS = [" + py(whisper) + "]",
                "LOG_DIR = " + py(dir.resolve("log")),
                "INDEX_FILE = " + py(dir.resolve("index")),
                "CARBONLINK_HOSTS = []",
                "DEFAULT_XFILES_FACTOR = 0",
                "LOG_ROTATION = False",
                "LOG_RENDERING_PERFORMANCE = False",
                "LOG_CACHE_PERFORMANCE = False",
                "DATABASES = {'default': {'NAME': " + py(dir.resolve("graphite.db"))
                        + ", 'ENGINE': 'django.db.backends.sqlite3', 'USER': '', 'PASSWORD': '', 'HOST': '', 'PORT': ''}}",
                "FUNCTION_PLUGINS = []",
                ""));
        Files.writeString(dir.resolve("serve.py"), String.join("\n",
                "import os, sys",
                "sys.path.insert(0, " + py(dir) + ")",
                "os.environ['DJANGO_SETTINGS_MODULE'] = 'graphite.settings'",
                "os.environ['GRAPHITE_SETTINGS_MODULE'] = 'lodestar_graphite_settings'",
                "import django",
                "django.setup()",
                "from django.core.management import call_command",
                "call_command('migrate', run_syncdb=True, verbosity=0, interactive=False)",
                "from django.core.wsgi import get_wsgi_application",
                "from wsgiref.simple_server import make_server, WSGIRequestHandler",
                "class Quiet(WSGIRequestHandler):",
                "    def log_message(self, *args):",
                "        pass",
                "make_server('127.0.0.1', " + port + ", get_wsgi_application(), handler_class=Quiet).serve_forever()",
                ""));
    }

    private static String py(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public List<String> command() {
        return List.of(python.toString(), dir.resolve("serve.py").toString());
    }

    @Override
    protected boolean ready() throws InterruptedException {
        return answers(url("/metrics/find?query=*"), 200);
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    /** GET {@code pathAndQuery}: the status and body. */
    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http().send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A query parameter, URL-encoded. */
    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
