package lodestar.shell.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote (telnet) Gogo shell, off unless the framework property {@code osgi.shell.telnet.port} is
 * set; then it listens on {@code osgi.shell.telnet.ip} (default 127.0.0.1) for at most
 * {@code osgi.shell.telnet.maxconn} (default 2) connections. Whoever connects can run every Gogo
 * command, {@code felix:stop 0} included: that is why it is loopback-only and off by default.
 */
@Component(name = "lodestar.shell.remote", immediate = true, service = {},
        configurationPolicy = ConfigurationPolicy.IGNORE)
public class RemoteShell {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteShell.class);

    private final TelnetServer server;

    @Activate
    public RemoteShell(BundleContext context, @Reference(name = "commandProcessor") CommandProcessor processor)
            throws IOException {
        Optional<RemoteShellSettings> settings = RemoteShellSettings.from(context::getProperty);
        if (settings.isEmpty()) {
            LOG.debug("remote shell off: framework property {} not set", RemoteShellSettings.PORT);
            server = null;
            return;
        }
        RemoteShellSettings s = settings.get();
        InetAddress address;
        try {
            address = InetAddress.getByName(s.ip());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(RemoteShellSettings.IP + ": unknown address '" + s.ip() + "'");
        }
        TelnetServer t = new TelnetServer(address, s.port(), s.maxConnections(),
                (in, out) -> new GogoLineShell(processor, in, out));
        try {
            t.start();
        } catch (IOException e) {
            throw new IOException(RemoteShellSettings.PORT + ": cannot listen on " + s.ip() + ":" + s.port()
                    + ": " + e.getMessage(), e);
        }
        server = t;
        if (address.isLoopbackAddress()) {
            LOG.info("remote shell listening on {} (at most {} connections)", t.address(), s.maxConnections());
        } else {
            LOG.warn("remote shell listening on {}, NOT a loopback address: anyone who can reach it controls "
                    + "the framework (at most {} connections)", t.address(), s.maxConnections());
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            LOG.info("remote shell closed");
        }
    }
}
