package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart's README lists every value of {@code values.yaml} with its default and description, and nothing else:
 * its table is exactly the one {@link ValuesTable} generates. To rewrite it after changing values.yaml:
 * {@code mvn -B -ntp -pl charts -am test -Dtest=ChartReadmeTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtokenplane.chart.readme.update=true}.
 */
class ChartReadmeTest {

    private static final Path README = RenderedChart.CHART.resolve("README.md");
    private static final String START = "<!-- values:start (generated from values.yaml by ChartReadmeTest) -->\n";
    private static final String END = "<!-- values:end -->";

    @Test
    void shouldDescribeEveryValue() throws IOException {
        List<ValuesTable.Row> rows = ValuesTable.rows(Files.readString(RenderedChart.CHART.resolve("values.yaml")));

        assertThat(rows)
                .filteredOn(r -> r.description().isBlank())
                .extracting(ValuesTable.Row::key)
                .as("values without a '# --' description in values.yaml")
                .isEmpty();
        assertThat(rows)
                .extracting(ValuesTable.Row::key)
                .contains(
                        "bms.replicas",
                        "bms.extraEnv",
                        "agent.javaOpts",
                        "tests.decisionKey",
                        "prometheusRule.bucketBudgetRatio",
                        "bms.image.pullPolicy");
    }

    @Test
    void shouldListEveryValueWithItsDefaultInTheReadme() throws IOException {
        String table =
                ValuesTable.markdown(ValuesTable.rows(Files.readString(RenderedChart.CHART.resolve("values.yaml"))));
        String readme = Files.readString(README);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README.md has the line " + START.strip()).isNotNegative();
        assertThat(end).as("README.md has the line " + END).isGreaterThan(start);

        if (Boolean.getBoolean("tokenplane.chart.readme.update")) {
            readme = readme.substring(0, start + START.length()) + table + readme.substring(end);
            Files.writeString(README, readme);
        }

        assertThat(readme.substring(start + START.length(), readme.indexOf(END)))
                .as(
                        "the table of README.md against values.yaml (rewrite it with -Dtokenplane.chart.readme.update=true)")
                .isEqualTo(table);
    }

    @Test
    void shouldTakeDescriptionsFromHelmDocsComments() {
        String values = """
                # a section comment, not a description
                top:
                  # -- Documented map: one row.
                  # Continued here.
                  documented:
                    a: 1
                  undocumented:
                    # -- A leaf.
                    leaf: "x"
                    bare: []
                """;

        assertThat(ValuesTable.rows(values))
                .containsExactly(
                        new ValuesTable.Row("top.documented", "{\"a\":1}", "Documented map: one row. Continued here."),
                        new ValuesTable.Row("top.undocumented.leaf", "\"x\"", "A leaf."),
                        new ValuesTable.Row("top.undocumented.bare", "[]", ""));
    }
}
