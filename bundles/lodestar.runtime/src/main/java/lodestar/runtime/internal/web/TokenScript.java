package lodestar.runtime.internal.web;

import java.util.Locale;

/**
 * What every HTML page of the console gets right after its {@code <head>} tag: the token in a
 * {@code <meta name="lodestar-csrf-token">} and a script that adds it to every state-changing request the page
 * makes to its own origin, whichever way the console's scripts make it: {@code XMLHttpRequest} (jQuery's
 * {@code $.post}, which the configuration manager and the bundle and component pages use) and {@code fetch} get
 * the header, a form the parameter (a hidden field; in the address for a multipart form, whose body is only read
 * by the page it is posted to), also when a script submits it with {@code form.submit()}, which fires no
 * {@code submit} event. The form's action, method and encoding are read from {@code HTMLFormElement}'s own
 * properties: the console's forms have fields named {@code action}, which hide them.
 *
 * <p>Only an inline script in the HTML can carry the token: a script file could be included by a page elsewhere
 * and read there. The text is ASCII and has neither {@code $&#123;} nor a backslash, which the console's
 * variable filter would rewrite.
 */
final class TokenScript {

    /** How far into a page its {@code <head>} tag is looked for; the console's is within the first few hundred bytes. */
    static final int SEARCH_LIMIT = 16 * 1024;

    private TokenScript() {
    }

    /** The meta tag and the script for {@code token} (base64url: nothing to escape). */
    static String html(String token) {
        return "<meta name=\"" + CsrfPolicy.PARAMETER + "\" content=\"" + token + "\">"
                + "<script>(function () {'use strict';"
                + "var token = '" + token + "', header = '" + CsrfPolicy.HEADER + "', param = '" + CsrfPolicy.PARAMETER + "';"
                + "function own(url) { try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; } }"
                + "function changes(method) { return !/^(GET|HEAD|OPTIONS|TRACE)$/i.test(method || 'GET'); }"
                + "var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;"
                + "XMLHttpRequest.prototype.open = function (method, url) {"
                + "this.lodestarToken = changes(method) && own(url); return open.apply(this, arguments); };"
                + "XMLHttpRequest.prototype.send = function () {"
                + "if (this.lodestarToken) { this.setRequestHeader(header, token); } return send.apply(this, arguments); };"
                + "if (window.fetch) { var fetch0 = window.fetch; window.fetch = function (input, init) {"
                + "var request = new Request(input, init);"
                + "if (changes(request.method) && own(request.url)) { request.headers.set(header, token); }"
                + "return fetch0.call(this, request); }; }"
                // a field named "action" or "method" hides the form's own properties: read them from the prototype
                + "var forms = HTMLFormElement.prototype;"
                + "function own_(form, name) { return Object.getOwnPropertyDescriptor(forms, name).get.call(form); }"
                + "function arm(form) {"
                + "if (!(form instanceof HTMLFormElement)) { return; }"
                + "var action = own_(form, 'action');"
                + "if (!changes(own_(form, 'method')) || !own(action)) { return; }"
                + "if (/multipart/i.test(own_(form, 'enctype'))) { var u = new URL(action, location.href);"
                + "u.searchParams.set(param, token); form.setAttribute('action', u.href); return; }"
                + "var field = form.querySelector('input[name=\"' + param + '\"]');"
                + "if (!field) { field = document.createElement('input'); field.type = 'hidden'; field.name = param; form.appendChild(field); }"
                + "field.value = token; }"
                + "document.addEventListener('submit', function (e) { arm(e.target); }, true);"
                + "var submit = forms.submit;"
                + "forms.submit = function () { arm(this); return submit.apply(this, arguments); };"
                + "})();</script>";
    }

    /**
     * Where the page's head begins: the index just past its {@code <head>} (or {@code <head ...>}) tag in
     * {@code text}, or -1 when it is not (yet) there.
     */
    static int afterHeadTag(CharSequence text) {
        String lower = text.toString().toLowerCase(Locale.ROOT);
        for (int from = 0;;) {
            int at = lower.indexOf("<head", from);
            if (at < 0 || at + 5 >= lower.length()) {
                return -1;
            }
            char next = lower.charAt(at + 5);
            if (next == '>' || Character.isWhitespace(next)) {
                int end = lower.indexOf('>', at);
                return end < 0 ? -1 : end + 1;
            }
            from = at + 5; // <header>
        }
    }
}
