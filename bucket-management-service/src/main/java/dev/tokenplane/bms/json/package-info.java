/**
 * The JSON shapes of the domain records, as Jackson mix-ins ({@link dev.tokenplane.bms.json.DomainJson}): the records
 * know nothing of JSON.
 */
package dev.tokenplane.bms.json;
