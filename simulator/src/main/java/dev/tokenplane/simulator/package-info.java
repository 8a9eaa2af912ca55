/**
 * A deterministic simulator that compares bucket-sizing algorithms on scenarios with a fake clock and seeded
 * randomness, and writes a markdown report with charts. Entry point: {@link dev.tokenplane.simulator.SimulatorMain}.
 */
package dev.tokenplane.simulator;
