package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

class CsrfPolicyTest {

    private static final String TOKEN = "k3Q0yJ2oB8vS1mX9cR7tW4eU6iO5pA0sD2fG1hJ3kL4";
    private static final String OWN = "http://127.0.0.1:8080";
    private final CsrfPolicy policy = new CsrfPolicy(TOKEN, Set.of("https://metrics.example.com"));

    private String post(String origin, String referer, String token) {
        return policy.refusal(new CsrfPolicy.Request("POST", false, OWN, origin, referer, token));
    }

    @Test
    void theConsolesOwnRequestGoesThrough() {
        assertNull(post(OWN, OWN + "/system/console/configMgr", TOKEN));
        assertNull(post(null, OWN + "/system/console/bundles", TOKEN), "a browser that sends only the page");
        assertNull(post(null, null, TOKEN), "a script with the token");
        assertNull(new CsrfPolicy(TOKEN, Set.of()).refusal(new CsrfPolicy.Request("POST", false, "http://localhost",
                "HTTP://LOCALHOST:80", null, TOKEN)), "default ports and case compare equal");
        assertNull(post("https://metrics.example.com", null, TOKEN), "an allowed origin (a proxy)");
    }

    @Test
    void aRequestFromElsewhereIsRefusedWhateverItCarries() {
        assertTrue(post("http://evil.example", null, TOKEN).startsWith("Origin http://evil.example is not this console's"));
        assertTrue(post("http://127.0.0.1:9999", OWN + "/", TOKEN).startsWith("Origin"), "another port is another origin");
        assertTrue(post("null", null, TOKEN).startsWith("Origin null"));
        assertTrue(post(null, "http://evil.example/page", TOKEN).startsWith("Referer http://evil.example/page"));
    }

    @Test
    void withoutTheRightTokenNothingChanges() {
        assertTrue(post(OWN, null, null).startsWith("no token"));
        assertEquals("wrong token", post(OWN, null, TOKEN.substring(1) + "x"));
        assertEquals("wrong token", post(OWN, null, "short"));
    }

    @Test
    void readingIsFreeButAGetThatPostsIsNot() {
        assertNull(policy.refusal(new CsrfPolicy.Request("GET", false, OWN, "http://evil.example", null, null)));
        assertNull(policy.refusal(new CsrfPolicy.Request("HEAD", false, OWN, null, null, null)));
        assertTrue(policy.refusal(new CsrfPolicy.Request("GET", true, OWN, null, null, null)).startsWith("no token"));
        assertTrue(policy.refusal(new CsrfPolicy.Request("DELETE", false, OWN, null, null, null)).startsWith("no token"));
    }

    @Test
    void originsAreNormalized() {
        assertEquals("http://a.example", CsrfPolicy.normalize("HTTP://A.example:80/x?y"));
        assertEquals("https://a.example:8443", CsrfPolicy.normalize("https://a.example:8443"));
        assertNull(CsrfPolicy.normalize("null"));
        assertNull(CsrfPolicy.normalize("/relative"));
        assertNull(CsrfPolicy.normalize("http://bad host"));
    }
}
