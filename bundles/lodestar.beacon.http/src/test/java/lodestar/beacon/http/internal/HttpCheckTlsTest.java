package lodestar.beacon.http.internal;

import lodestar.testkit.Recorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;

/**
 * The check against an HTTPS server whose self-signed certificate keytool generates at test time:
 * refused by default, accepted with insecure=true, and accepted when trusted and the name matches.
 */
class HttpCheckTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static KeyStore keyStore;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);

        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            byte[] b = "secure hello".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void selfSignedIsCriticalUnlessInsecure() {
        HttpCheckServerTest.Run strict = new HttpCheckServerTest.Run("url", "https://127.0.0.1:" + port + "/");
        Recorder r = strict.collect();
        CheckResult res = strict.check.result();
        assertEquals(CheckStatus.CRITICAL, res.status());
        assertTrue(res.message().startsWith("TLS handshake with 127.0.0.1:" + port + " failed"), res.message());
        assertTrue(res.message().contains("insecure=true"), res.message());
        assertTrue(r.has("check.t.connect_ms"));

        HttpCheckServerTest.Run insecure = new HttpCheckServerTest.Run("url", "https://127.0.0.1:" + port + "/",
                "insecure", true, "bodyRegex", "secure");
        Recorder ok = insecure.collect();
        assertEquals(CheckStatus.OK, insecure.check.result().status(), insecure.check.result().message());
        assertTrue(ok.value("check.t.tls_ms") > 0);
        assertEquals(12, ok.value("check.t.size_bytes"));
    }

    @Test
    void trustedCertificateIsVerifiedAgainstTheHostName() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", keyStore.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);

        HttpCheckServerTest.Run byName = new HttpCheckServerTest.Run(Tls.verifying(ctx), "url", "https://localhost:" + port + "/");
        byName.collect();
        assertEquals(CheckStatus.OK, byName.check.result().status(), byName.check.result().message());
    }
}
