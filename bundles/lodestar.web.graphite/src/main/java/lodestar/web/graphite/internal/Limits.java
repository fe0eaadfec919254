package lodestar.web.graphite.internal;

/**
 * Bounds on one request, so a request cannot hold more memory or time than an operator allows.
 *
 * @param maxTargets      targets per render request
 * @param maxTargetLength characters per target
 * @param maxSeries       series read per render request (counted as they are read, before functions)
 * @param maxPoints       values read per render request, summed over the series
 * @param maxFindResults  nodes one find may list
 */
record Limits(int maxTargets, int maxTargetLength, int maxSeries, long maxPoints, int maxFindResults) {
}
