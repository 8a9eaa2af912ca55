/**
 * The HTTP edge (Vert.x Web): routes, access checks, strict JSON, and the one place where failures become contract errors ({@link dev.tokenplane.bms.http.ErrorMapper}).
 */
package dev.tokenplane.bms.http;
