package dev.tokenplane.bms.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A file of rules to load at start ({@code BMS_RULES_FILE}, or the bundled examples), in YAML or JSON (JSON is YAML):
 * a top-level {@code rules} list of rules with their {@code id}, the format the README's "Rules file" documents (and
 * the Helm chart renders). Each entry is checked exactly like the body of {@code PUT /v1/rules/{id}}.
 */
public final class RulesFile {
    /** The bundled example rules, loaded at the first start of a cluster when no rules file is given. */
    public static final String EXAMPLES = "/dev/tokenplane/bms/example-rules.yaml";

    private RulesFile() {}

    /** Reads and checks the rules in {@code file}. */
    public static List<Rule> load(Path file, ObjectMapper strict) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), strict);
    }

    /** Reads and checks the bundled examples. */
    public static List<Rule> examples(ObjectMapper strict) throws IOException {
        try (InputStream in = RulesFile.class.getResourceAsStream(EXAMPLES)) {
            if (in == null) {
                throw new IOException("missing resource " + EXAMPLES);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), EXAMPLES, strict);
        }
    }

    static List<Rule> parse(String text, String source, ObjectMapper strict) {
        Object root;
        try (Reader r = new StringReader(text)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (RuntimeException | IOException e) {
            throw new InvalidInputException(source + ": not valid YAML or JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("rules") instanceof List<?> entries)) {
            throw new InvalidInputException(source + ": expected a top-level 'rules' list");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new InvalidInputException(source + ": rules[" + i + "] must be a mapping");
            }
            Map<Object, Object> fields = new LinkedHashMap<>(entry);
            Object id = fields.get("id");
            try {
                if (!(id instanceof String ruleId)) {
                    throw new InvalidInputException("id is required and must be a string");
                }
                RuleInput input = strict.convertValue(fields, RuleInput.class);
                if (!ids.add(ruleId)) {
                    throw new InvalidInputException("duplicate rule id " + ruleId);
                }
                rules.add(input.toRule(ruleId));
            } catch (RuntimeException e) {
                throw new InvalidInputException(source + ": rules[" + i + "]: " + e.getMessage());
            }
        }
        return rules;
    }
}
