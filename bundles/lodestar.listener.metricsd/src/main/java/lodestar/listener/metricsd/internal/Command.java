package lodestar.listener.metricsd.internal;

import lodestar.listener.metricsd.Action;
import lodestar.listener.metricsd.MetricKind;

/** One decoded command; {@code value} is NaN unless the action is an update. */
record Command(MetricKind kind, Action action, String name, double value) {
}
