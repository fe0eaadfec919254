/**
 * The embedded store's implementation; private to the bundle.
 */
package lodestar.store.internal;
