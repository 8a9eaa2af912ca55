package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

    @Test
    void shouldPassHelmLintInStrictMode() {
        LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(result.isFailed())
                .as("lint failed: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void shouldDefaultTheImageTagsToTheVersionJibTagsImagesWith() {
        // Jib tags both images <repository>:${project.version}; the chart's default tag is its appVersion
        assertThat(RenderedChart.appVersion()).isEqualTo(System.getProperty("tokenplane.version"));
    }
}
