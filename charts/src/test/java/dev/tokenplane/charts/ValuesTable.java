package dev.tokenplane.charts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart README's table of values, generated from {@code values.yaml} in the manner of helm-docs: a
 * {@code # -- description} comment (continued on the comment lines that follow it) documents the key below it, and
 * a documented map is one row with its whole default; an undocumented map is opened into its keys.
 */
final class ValuesTable {

    /** One row: the dotted key, its default as JSON, and its description (empty when it has none). */
    record Row(String key, String defaultJson, String description) {}

    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_.-]+):(?:\\s.*)?$");
    private static final Pattern DESCRIPTION = Pattern.compile("^ *# -- ?(.*)$");
    private static final Pattern CONTINUATION = Pattern.compile("^ *#(?: (.*))?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ValuesTable() {}

    /** The rows of {@code valuesYaml}, in file order. */
    static List<Row> rows(String valuesYaml) {
        Map<String, String> descriptions = descriptions(valuesYaml);
        List<Row> rows = new ArrayList<>();
        walk(Yamls.parse(valuesYaml), "", descriptions, rows);
        return rows;
    }

    /** The Markdown table of {@code rows}. */
    static String markdown(List<Row> rows) {
        StringBuilder table = new StringBuilder("| Key | Default | Description |\n|---|---|---|\n");
        for (Row row : rows) {
            table.append("| `")
                    .append(row.key())
                    .append("` | `")
                    .append(cell(row.defaultJson()))
                    .append("` | ")
                    .append(cell(row.description()).replace("<", "&lt;").replace(">", "&gt;"))
                    .append(" |\n");
        }
        return table.toString();
    }

    @SuppressWarnings("unchecked")
    private static void walk(Map<String, Object> map, String prefix, Map<String, String> descriptions, List<Row> rows) {
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (!descriptions.containsKey(key) && value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                walk((Map<String, Object>) nested, key + ".", descriptions, rows);
            } else {
                rows.add(new Row(key, json(value), descriptions.getOrDefault(key, "")));
            }
        }
    }

    /** Dotted key to description, from the comments of the YAML text. */
    private static Map<String, String> descriptions(String yaml) {
        Map<String, String> descriptions = new LinkedHashMap<>();
        Deque<Map.Entry<Integer, String>> parents = new ArrayDeque<>();
        StringBuilder pending = null;
        for (String line : yaml.split("\n", -1)) {
            Matcher description = DESCRIPTION.matcher(line);
            Matcher continuation = CONTINUATION.matcher(line);
            Matcher key = KEY.matcher(line);
            if (description.matches()) {
                pending = new StringBuilder(description.group(1).strip());
            } else if (continuation.matches()) {
                if (pending != null && continuation.group(1) != null) {
                    pending.append(' ').append(continuation.group(1).strip());
                }
            } else if (key.matches()) {
                int indent = key.group(1).length();
                while (!parents.isEmpty() && parents.peek().getKey() >= indent) {
                    parents.pop();
                }
                List<String> path = new ArrayList<>();
                parents.descendingIterator().forEachRemaining(p -> path.add(p.getValue()));
                path.add(key.group(2));
                parents.push(Map.entry(indent, key.group(2)));
                if (pending != null) {
                    descriptions.put(String.join(".", path), pending.toString());
                }
                pending = null;
            } else {
                pending = null;
            }
        }
        return descriptions;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
