/**
 * The client's implementation. The pure core ({@link dev.tokenplane.client.internal.LeaseMath},
 * {@link dev.tokenplane.client.internal.RetrySchedule}, {@link dev.tokenplane.client.internal.Availability}) takes time
 * as an argument and knows nothing of Vert.x; the adapters ({@link dev.tokenplane.client.internal.HttpTransport},
 * {@link dev.tokenplane.client.internal.DefaultRateLimiterClient}) bring HTTP, timers and metrics.
 */
package dev.tokenplane.client.internal;
