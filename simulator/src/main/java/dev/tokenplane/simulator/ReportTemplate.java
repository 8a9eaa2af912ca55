package dev.tokenplane.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's prose: named sections of a markdown resource whose {@code {{placeholders}}} are filled with numbers.
 * A placeholder left without a value, or a value no placeholder asks for, is an error, so text and numbers cannot
 * drift apart silently.
 */
final class ReportTemplate {

    private static final String RESOURCE = "report-text.md";
    private static final String SECTION = "@@ ";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    private final Map<String, String> sections;

    private ReportTemplate(Map<String, String> sections) {
        this.sections = sections;
    }

    /** The sections of the report's resource, {@value #RESOURCE}. */
    static ReportTemplate load() {
        try (InputStream in = ReportTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sections start at lines {@code @@ name}; text before the first one is a comment. */
    static ReportTemplate parse(String text) {
        Map<String, String> sections = new HashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(SECTION)) {
                if (name != null) {
                    sections.put(name, body.toString());
                }
                name = line.substring(SECTION.length()).trim();
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            // The file's last newline ends the section's last line, not one more empty line.
            sections.put(name, body.substring(0, Math.max(0, body.length() - 1)));
        }
        return new ReportTemplate(sections);
    }

    /**
     * Section {@code name} with its placeholders replaced: {@code keyValues} alternates placeholder names and values.
     *
     * @throws IllegalArgumentException for an unknown section, a placeholder without a value or an unused value
     */
    String fill(String name, Object... keyValues) {
        String text = sections.get(name);
        if (text == null) {
            throw new IllegalArgumentException("no section '" + name + "' in " + RESOURCE);
        }
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("placeholder names and values must come in pairs");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
        }
        Set<String> used = new HashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("section '" + name + "' needs a value for {{" + m.group(1) + "}}");
            }
            used.add(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!used.containsAll(values.keySet())) {
            Set<String> unused = new HashSet<>(values.keySet());
            unused.removeAll(used);
            throw new IllegalArgumentException("section '" + name + "' has no placeholder for " + unused);
        }
        return out.toString();
    }
}
