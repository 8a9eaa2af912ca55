package dev.tokenplane.agent.core;

/**
 * A pair of cumulative byte counters of one device: for a network interface bytes received and sent, for a disk bytes
 * read and written.
 *
 * @param inBytes  bytes received (network) or read (disk), cumulative
 * @param outBytes bytes sent (network) or written (disk), cumulative
 */
public record IoCounters(long inBytes, long outBytes) {}
