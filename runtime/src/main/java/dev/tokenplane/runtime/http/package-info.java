/** What the HTTP servers of the processes share: the handler that answers a malformed request body with 400. */
package dev.tokenplane.runtime.http;
