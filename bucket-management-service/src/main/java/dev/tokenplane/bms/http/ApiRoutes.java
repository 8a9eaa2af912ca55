package dev.tokenplane.bms.http;

/**
 * A group of routes. The router mounts every group through {@link ApiRouter#add}, which applies the readiness gate,
 * the access check, the content-type check and the body limit; a later feature (a lease or release endpoint, the pool
 * read of the transfer protocol) is one more group, plus its paths in {@code openapi.json} (a test keeps the two
 * equal).
 */
@FunctionalInterface
public interface ApiRoutes {
    void mount(ApiRouter router);
}
