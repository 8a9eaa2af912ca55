package dev.tokenplane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a rule set for {@code rules apply|diff -f}: one file, or every {@code *.yaml}, {@code *.yml} and {@code *.json}
 * file of a directory (in name order), each in the BMS rules-file format ({@code rules:} then a list of rules with
 * their {@code id}). The BMS validates the rules; this only reads them.
 */
final class RuleFiles {
    private RuleFiles() {}

    /** The body of {@code PUT /v1/rules}: {@code {"rules": [...]}}. */
    static Map<String, Object> read(Path path) throws IOException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
            }
            if (files.isEmpty()) {
                throw new IOException(path + ": no *.yaml, *.yml or *.json files");
            }
        } else if (Files.isRegularFile(path)) {
            files = List.of(path);
        } else {
            throw new IOException(path + ": no such file or directory");
        }
        List<Object> rules = new ArrayList<>();
        for (Path file : files) {
            Object root;
            try {
                root = new Yaml(new SafeConstructor(new LoaderOptions()))
                        .load(Files.readString(file, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new IOException(file + ": not valid YAML or JSON: " + e.getMessage());
            }
            if (!(root instanceof Map<?, ?> map) || !(map.get("rules") instanceof List<?> entries)) {
                throw new IOException(file + ": expected a top-level 'rules' list");
            }
            rules.addAll(entries);
        }
        return Map.of("rules", rules);
    }
}
