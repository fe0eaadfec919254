package lodestar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A running part that is neither a beacon nor a sink (a network listener, a check runner) and wants to
 * show in {@code lodestar:status} and the web console: register it as a service and the core includes
 * its {@link #status()} in {@link Pipeline#status()}.
 */
@ConsumerType
public interface Monitored {

    /** A snapshot of this part's state and counters; called from other threads, so it must be thread-safe and quick. */
    ComponentStatus status();
}
