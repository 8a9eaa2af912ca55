package dev.tokenplane.charts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Navigation in parsed YAML (maps, lists, scalars) by path, with failures that say which step was missing. */
final class Yamls {

    private Yamls() {}

    /** Parses one YAML document into maps, lists and scalars (SnakeYAML's safe constructor). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String yaml) {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    }

    /** The value at {@code path} (map keys, or list indexes as Integer), or null when a step is missing. */
    static Object at(Object root, Object... path) {
        Object current = root;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(step);
            } else if (current instanceof List<?> list && step instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    /** A parsed YAML value with typed, failing accessors. */
    record Node(Object value) {

        Node path(Object... path) {
            Object found = at(value, path);
            if (found == null) {
                throw new AssertionError("nothing at " + List.of(path) + " in " + value);
            }
            return new Node(found);
        }

        boolean has(Object... path) {
            return at(value, path) != null;
        }

        String string(Object... path) {
            return String.valueOf(path(path).value);
        }

        int integer(Object... path) {
            return ((Number) path(path).value).intValue();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(Object... path) {
            return (Map<String, Object>) path(path).value;
        }

        List<Node> list(Object... path) {
            return ((List<?>) path(path).value).stream().map(Node::new).collect(Collectors.toList());
        }

        /** The first element of the list at {@code path} whose "name" is {@code name}. */
        Node named(String name, Object... path) {
            return list(path).stream()
                    .filter(n -> name.equals(at(n.value, "name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no element named " + name + " at " + List.of(path)));
        }

        /** A container's env as name -> entry (value or valueFrom), in order. */
        Map<String, Node> env() {
            Map<String, Node> env = new LinkedHashMap<>();
            list("env").forEach(e -> env.put(e.string("name"), e));
            return env;
        }
    }
}
