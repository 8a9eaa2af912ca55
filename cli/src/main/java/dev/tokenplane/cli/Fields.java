package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One object as {@code field  value} lines (nested objects as compact JSON), for the table format. */
final class Fields {
    private Fields() {}

    static void print(Output o, JsonNode object) {
        Output.Table t = o.table("FIELD", "VALUE");
        object.fields()
                .forEachRemaining(f -> t.row(
                        f.getKey(),
                        f.getValue().isValueNode()
                                ? f.getValue().asText()
                                : f.getValue().toString()));
        t.print();
    }
}
