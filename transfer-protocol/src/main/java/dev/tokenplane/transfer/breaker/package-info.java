/** One resilience4j circuit breaker per pool: {@link dev.tokenplane.transfer.breaker.PoolBreakers}. */
package dev.tokenplane.transfer.breaker;
