package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import lodestar.support.json.Json;

/**
 * The web console's bundle API as its bundles page drives it (upload, start, stop, uninstall, each with the page's
 * origin and CSRF token), and the reactor's bundle jars to feed it: shared by ConsoleBundlesIT and HotSwapIT.
 */
final class ConsoleBundleApi {

    private final ConsoleClient console;

    ConsoleBundleApi(ConsoleClient console) {
        this.console = console;
    }

    /** The jar the reactor built for {@code bsn} ({@code bundles/<bsn>/target}). */
    static Path bundleJar(String bsn) throws IOException {
        Path dir = Path.of(System.getProperty("lodestar.bundles.dir", "../bundles")).resolve(bsn).resolve("target");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(bsn.replace(".", "\\.") + "-[0-9].*(?<!-tests|-sources)\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + bsn + " jar in " + dir + ": build bundles/ first"));
        }
    }

    /** A copy of {@code jar} with one more main manifest header: a new build of the same bundle. */
    static Path withHeader(Path jar, String name, String value) throws IOException {
        Path out = Files.createTempDirectory("lodestar-update").resolve(jar.getFileName());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().put(new Attributes.Name(name), value);
            try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    o.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(o);
                    o.closeEntry();
                }
            }
        }
        return out;
    }

    /** The console's bundles page uploads a jar as {@code multipart/form-data} with {@code action=install}. */
    HttpResponse<String> upload(Path jar, boolean start) throws IOException, InterruptedException {
        String boundary = "----lodestar" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "action", null, "install".getBytes(StandardCharsets.UTF_8));
        if (start) {
            part(body, boundary, "bundlestart", null, "start".getBytes(StandardCharsets.UTF_8));
        }
        part(body, boundary, "bundlestartlevel", null, "1".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(jar)) {
            part(body, boundary, "bundlefile", jar.getFileName().toString(), in.readAllBytes());
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return console.send(post("/system/console/bundles").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    private static void part(ByteArrayOutputStream b, String boundary, String name, String fileName, byte[] content) {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(name).append('"');
        if (fileName != null) {
            h.append("; filename=\"").append(fileName).append("\"\r\nContent-Type: application/java-archive");
        }
        h.append("\r\n\r\n");
        b.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        b.writeBytes(content);
        b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** A POST as the console's own page makes it: its origin, and the token. */
    private HttpRequest.Builder post(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = console.request(path).header("Origin", console.origin())
                .header("Referer", console.origin() + "/system/console/bundles");
        String token = console.token();
        assertNotNull(token, "the console guard gives no CSRF token");
        return b.header(ConsoleClient.TOKEN_HEADER, token);
    }

    /** {@code POST /system/console/bundles/<id>} with {@code action}, as the bundles page's buttons; its JSON answer. */
    String action(long id, String action) throws IOException, InterruptedException {
        HttpResponse<String> r = console.send(post("/system/console/bundles/" + id)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=" + action)).build());
        assertEquals(200, r.statusCode(), action + ": " + r.body());
        Map<String, Object> answer = Json.object(Json.parse(r.body()));
        return "[" + answer.get("fragment") + "," + ((Number) answer.get("stateRaw")).intValue() + "]";
    }
}
