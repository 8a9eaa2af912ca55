/**
 * Vert.x Web middleware on the client: {@link dev.tokenplane.client.web.RateLimitHandler} (429, {@code Retry-After},
 * the IETF RateLimit headers, delay mode, latency to the load agent), its builder and configuration, and
 * {@link dev.tokenplane.client.web.KeyResolvers}.
 */
package dev.tokenplane.client.web;
