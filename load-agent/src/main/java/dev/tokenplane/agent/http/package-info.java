/**
 * Vert.x adapters: the reporter that sends reports to the BMS, the agent's own HTTP endpoints, and the Prometheus
 * scraper. They translate between HTTP/JSON and the core and hold no algorithm of their own.
 */
package dev.tokenplane.agent.http;
