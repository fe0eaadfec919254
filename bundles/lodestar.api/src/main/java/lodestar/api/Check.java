package lodestar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A check (a command, an HTTP probe) that has a verdict, not only numbers. Register
 * it as a service, usually on the same component as its {@link Beacon}; the status board and
 * {@code lodestar:checks} list every check's latest result.
 */
@ConsumerType
public interface Check {

    /** The latest result, or {@code null} before the first run. Thread-safe and quick. */
    CheckResult result();
}
