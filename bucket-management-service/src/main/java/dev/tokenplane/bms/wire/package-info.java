/**
 * The compact decision transport: a length-prefixed binary protocol over TCP (optionally TLS) on a Vert.x
 * {@code NetServer}, off unless {@code BMS_DECISION_PORT} is set. It carries single acquires only, through the same
 * {@link dev.tokenplane.bms.decide.DecisionService}, API keys and error codes as {@code POST /v1/buckets/{key}/acquire};
 * the JSON API stays the public contract. The layout is in {@code docs/decision-protocol.md}.
 */
package dev.tokenplane.bms.wire;
