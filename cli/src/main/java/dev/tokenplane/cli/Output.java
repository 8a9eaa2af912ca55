package dev.tokenplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Prints an answer as a table (for people), or as JSON or YAML (for scripts: the API's own fields). */
public final class Output {
    public enum Format {
        table,
        json,
        yaml
    }

    private final Format format;
    private final PrintWriter out;

    public Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    public PrintWriter writer() {
        return out;
    }

    /** Prints {@code data} as JSON or YAML, or runs {@code table} to print it for people. */
    public void print(JsonNode data, Consumer<Output> table) {
        switch (format) {
            case json -> {
                try {
                    out.println(BmsClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(data));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            case yaml -> {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                out.print(new Yaml(options).dump(BmsClient.JSON.convertValue(data, Object.class)));
            }
            case table -> table.accept(this);
        }
        out.flush();
    }

    /** A table with these column headers. */
    public Table table(String... headers) {
        return new Table(headers);
    }

    /** Columns padded to their widest cell; an empty table prints its headers only. */
    public final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String[] headers) {
            rows.add(headers);
        }

        public Table row(Object... cells) {
            rows.add(Arrays.stream(cells)
                    .map(c -> c == null ? "-" : c.toString())
                    .toArray(String[]::new));
            return this;
        }

        public void print() {
            int[] widths = new int[rows.get(0).length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    /** A node's text, or null when absent or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
