package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenScriptTest {

    @Test
    void theScriptGoesRightAfterTheHeadTag() {
        assertEquals(21, TokenScript.afterHeadTag("<!DOCTYPE html><head>"));
        assertEquals(34, TokenScript.afterHeadTag("<html><header></header><HEAD id=x>rest"), "not <header>");
        assertEquals(-1, TokenScript.afterHeadTag("<html><hea"));
        assertEquals(-1, TokenScript.afterHeadTag("<html><head"), "the tag is not complete yet");
        assertEquals(-1, TokenScript.afterHeadTag("plain text"));
    }

    @Test
    void theScriptIsPlainAsciiTheConsolesFilterLeavesAlone() {
        String html = TokenScript.html("k3Q0yJ2oB8vS1mX9cR7tW4eU6iO5pA0sD2fG1hJ3kL4");
        assertTrue(html.startsWith("<meta name=\"lodestar-csrf-token\" content=\"k3Q0yJ2oB8vS1mX9cR7tW4eU6iO5pA0sD2fG1hJ3kL4\">"));
        assertTrue(html.contains("setRequestHeader(header, token)") && html.contains("forms.submit = function"));
        assertFalse(html.contains("${") || html.contains("\\"), html);
        assertTrue(html.chars().allMatch(c -> c >= 0x20 && c < 0x7f), html);
    }
}
