package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

/** The formats below are copied from what the web console 5.0.8 and its DS plugin print. */
class SecretMaskTest {

    private static String text(String s) {
        return SecretMask.mask(s, SecretMask.Format.TEXT).text();
    }

    @Test
    void theServicesPrinterShowsSecretsMaskedAndEverythingElseAsItWas() {
        String services = "Service 47 - [jakarta.servlet.Servlet] (pid: org.apache.felix.webconsole.internal.servlet.OsgiManager)\n"
                + "    locale: null\n"
                + "    lodestar.generated.password: {sha-256}753efb85ba3a4c29-1000-jLjJFt7KxS+bn0mYaGdLMO3szX0Z8wfSHR4ncVwYvKI=\n"
                + "    osgi.http.whiteboard.servlet.pattern: /\n"
                + "    password: {sha-256}753efb85ba3a4c29-1000-jLjJFt7KxS+bn0mYaGdLMO3szX0Z8wfSHR4ncVwYvKI=\n"
                + "    username: admin\n"
                + "    token: \n";
        SecretMask.Result r = SecretMask.mask(services, SecretMask.Format.TEXT);
        assertEquals(services.replace("{sha-256}753efb85ba3a4c29-1000-jLjJFt7KxS+bn0mYaGdLMO3szX0Z8wfSHR4ncVwYvKI=", "********"), r.text());
        assertEquals(2, r.masked(), "an empty token has nothing to hide");
    }

    @Test
    void everyWayAPrinterWritesAPropertyIsMasked() {
        assertEquals("  apiToken = ********\n  endpoint = https://x\n", text("  apiToken = abc123\n  endpoint = https://x\n"));
        assertEquals("    password=********\n    timeout=10s\n", text("    password=pw\n    timeout=10s\n"));
        assertEquals("proxyPassword: ********", text("proxyPassword: hunter2"));
        assertEquals("-Dkeystore.password=********", text("-Dkeystore.password=changeit"));
        // a printer's one-line list of attributes: every assignment in it is looked at
        assertEquals("Attributes = felix.version=7.0.5, felix.webconsole.password=********",
                text("Attributes = felix.version=7.0.5, felix.webconsole.password={sha-256}!locked"));
        // names that only contain a secret's word are not secrets
        assertEquals("secret.heuristic.enabled = true\npasswordless = yes\nsecretary: Ann",
                text("secret.heuristic.enabled = true\npasswordless = yes\nsecretary: Ann"));
    }

    @Test
    void htmlLinesUseNbspAndEndAtATag() {
        String html = "&nbsp;&nbsp;&nbsp;&nbsp;password:&nbsp;{sha-256}abc<br/>\n&nbsp;&nbsp;username:&nbsp;admin\n";
        assertEquals("&nbsp;&nbsp;&nbsp;&nbsp;password:&nbsp;********<br/>\n&nbsp;&nbsp;username:&nbsp;admin\n",
                SecretMask.mask(html, SecretMask.Format.HTML).text());
    }

    @Test
    void jsonStringsAndMembersAreMaskedToTheEndOfTheirString() {
        String lines = "[\n    \"    password: {sha-256}abc\",\n    \"    username: admin\"\n]";
        assertEquals("[\n    \"    password: ********\",\n    \"    username: admin\"\n]",
                SecretMask.mask(lines, SecretMask.Format.JSON).text());
        String scr = "{\"key\":\"Properties\",\"value\":[\"gzip = false\",\"token = s3cr\\\"et\",\"url = http:\\/\\/x\"]}";
        assertEquals("{\"key\":\"Properties\",\"value\":[\"gzip = false\",\"token = ********\",\"url = http:\\/\\/x\"]}",
                SecretMask.mask(scr, SecretMask.Format.JSON).text());
        String joined = "{\"text\":\"username: admin\\npassword: pw\\n\\tapiKey=k\\nnpassword: shown\"}";
        assertEquals("{\"text\":\"username: admin\\npassword: ********\\n\\tapiKey=********\\nnpassword: shown\"}",
                SecretMask.mask(joined, SecretMask.Format.JSON).text(), "lines joined by escaped line breaks");
        String member = "{\"apiKey\": \"k-123\", \"name\": \"x\", \"nested\": {\"secret\":\"s\\\"q\"}}";
        assertEquals("{\"apiKey\": \"********\", \"name\": \"x\", \"nested\": {\"secret\":\"********\"}}",
                SecretMask.mask(member, SecretMask.Format.JSON).text());
    }

    @Test
    void aHugeValueCostsNoStackFrameACharacter() {
        // the Bundles printer's JSON has lines of several hundred kilobytes (every framework property in one)
        String json = "[\"Attributes = " + "a=b, \\\"q\\\" ".repeat(200_000) + "password=x\", \"" + " ".repeat(100_000) + "token :  y\"]";
        String masked = SecretMask.mask(json, SecretMask.Format.JSON).text();
        assertTrue(masked.endsWith("password=********\", \"" + " ".repeat(100_000) + "token :  ********\"]"));
        String text = "x".repeat(1_000_000) + " token=" + "z".repeat(1_000_000);
        assertEquals("x".repeat(1_000_000) + " token=********", text(text));
    }

    @Test
    void bytesThatAreNoSecretStayExactlyAsTheyWere() {
        byte[] utf8 = "name = Zoë ☃\npassword = pä55\n".getBytes(StandardCharsets.UTF_8);
        int[] n = {0};
        byte[] masked = SecretMask.mask(utf8, SecretMask.Format.TEXT, n);
        assertEquals("name = Zoë ☃\npassword = ********\n", new String(masked, StandardCharsets.UTF_8));
        assertEquals(1, n[0]);
        byte[] clean = "name = Zoë\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(clean, SecretMask.mask(clean, SecretMask.Format.TEXT, new int[1]));
    }

    @Test
    void aSupportZipIsMaskedEntryByEntry() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("006_Services.txt", "    password: {sha-256}x\n    username: admin\n");
        entries.put("json/003_scr.json", "[\"token = t0k\"]");
        entries.put("index.json", "{\"files\":{}}");
        int[] n = {0};
        Map<String, String> out = unzip(SecretMask.maskZip(zip(entries), 1 << 20, n));
        assertEquals("    password: ********\n    username: admin\n", out.get("006_Services.txt"));
        assertEquals("[\"token = ********\"]", out.get("json/003_scr.json"));
        assertEquals("{\"files\":{}}", out.get("index.json"));
        assertEquals(2, n[0]);
    }

    @Test
    void aZipLargerThanTheLimitIsRefusedNotPassedOn() throws IOException {
        byte[] big = zip(Map.of("a.txt", "x".repeat(10_000)));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SecretMask.maskZip(big, 5_000, new int[1]));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void theFormatFollowsTheContentType() {
        assertEquals(SecretMask.Format.HTML, SecretMask.formatOf("text/html;charset=utf-8"));
        assertEquals(SecretMask.Format.JSON, SecretMask.formatOf("application/json"));
        assertEquals(SecretMask.Format.TEXT, SecretMask.formatOf("text/plain"));
        assertEquals(null, SecretMask.formatOf("image/png"));
        assertFalse(SecretMask.isSecretKey("username"));
        assertTrue(SecretMask.isSecretKey("lodestar.generated.password"));
    }

    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    private static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
