package dev.tokenplane.bms.http;

import dev.tokenplane.bms.rules.InvalidInputException;
import io.vertx.core.http.HttpServerRequest;

/** Query parameters checked like bodies: a bad value is a 400 {@code validation} naming the parameter. */
final class Query {
    private Query() {}

    /** An integer in [min, max], or {@code defaultValue} when absent. */
    static int intParam(HttpServerRequest request, String name, int defaultValue, int min, int max) {
        String v = request.getParam(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(v);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(name + " must be an integer in [" + min + ", " + max + "], was " + v);
    }

    /** {@code true} or {@code false}; false when absent. */
    static boolean flag(HttpServerRequest request, String name) {
        String v = request.getParam(name);
        InvalidInputException.check(
                v == null || v.equals("true") || v.equals("false"), name + " must be true or false, was " + v);
        return "true".equals(v);
    }
}
