package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The PromQL the chart ships: the dashboard's panel queries and the PrometheusRule's alert expressions. */
final class MonitoringQueries {

    static final Path DASHBOARD = RenderedChart.CHART.resolve("dashboards/tokenplane-overview.json");
    /** A series name in PromQL: an identifier not followed by "(" (a function) and not a label or keyword. */
    private static final Pattern SERIES =
            Pattern.compile("\\b(?:bms|agent)_[a-z0-9_]+\\b|\\bup(?=\\{)|\\bALERTS(?=\\{)");

    private MonitoringQueries() {}

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> dashboardExpressions() {
        List<String> expressions = new ArrayList<>();
        dashboard()
                .get("panels")
                .forEach(p -> p.path("targets")
                        .forEach(t -> expressions.add(t.get("expr").asText())));
        return expressions;
    }

    /** Alert name to expression, from the PrometheusRule that {@code chart} renders. */
    static Map<String, String> alerts(RenderedChart chart) {
        return chart.get("PrometheusRule", "tp-tokenplane-bms").list("spec", "groups").stream()
                .flatMap(g -> g.list("rules").stream())
                .collect(Collectors.toMap(
                        r -> r.string("alert"), r -> r.string("expr"), (a, b) -> a, java.util.TreeMap::new));
    }

    /** Every series name the expressions select (sample names as exported, e.g. ..._bucket of a histogram). */
    static Set<String> seriesNames(Collection<String> expressions) {
        return expressions.stream()
                .flatMap(e -> SERIES.matcher(e).results().map(MatchResult::group))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
