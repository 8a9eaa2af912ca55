/**
 * The tokenplane client SDK: {@link dev.tokenplane.client.RateLimiterClient}, its builder and configuration, and the
 * values it answers with. Implementations live in {@code dev.tokenplane.client.internal}; the Vert.x Web middleware
 * in {@code dev.tokenplane.client.web}.
 */
package dev.tokenplane.client;
