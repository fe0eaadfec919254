package lodestar.beacon.http.internal;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Turns a connected socket into a TLS one. Verifying: the JVM's trust store and host name
 * verification, as a browser would. Insecure: any certificate, any name, for self-signed test and
 * internal servers (the connection is still encrypted, but not authenticated).
 */
final class Tls {

    private final SSLSocketFactory factory;
    private final boolean verify;

    private Tls(SSLSocketFactory factory, boolean verify) {
        this.factory = factory;
        this.verify = verify;
    }

    /** The JVM's default trust. */
    static Tls verifying() {
        try {
            return new Tls(SSLContext.getDefault().getSocketFactory(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default TLS context in this JVM", e);
        }
    }

    /** A given context (tests: a trust store holding a test certificate), verifying host names. */
    static Tls verifying(SSLContext context) {
        return new Tls(context.getSocketFactory(), true);
    }

    /** Trusts every certificate and host name. */
    static Tls insecure() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new TrustAll()}, null);
            return new Tls(c.getSocketFactory(), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /**
     * Handshakes over {@code plain}; the caller has set the socket's timeout to the time left.
     *
     * @param host the name from the URL: sent as SNI and, when verifying, checked against the certificate
     */
    SSLSocket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
        if (verify) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
        }
        s.startHandshake();
        return s;
    }

    /** Extended, so the JSSE adds no host name check of its own behind our back. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
