package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The BMS's binary decision port in the chart: off by default; when set, passed to the BMS, declared on the container
 * and the HTTP Service, and admitted by the NetworkPolicy from the same sources as the HTTP port.
 */
class DecisionPortChartTest {
    private static final String STS = "tp-tokenplane-bms";

    @Test
    void shouldOpenNoDecisionPortByDefault() {
        RenderedChart chart = RenderedChart.renderDefaults();

        assertThat(bms(chart).env()).doesNotContainKey("BMS_DECISION_PORT");
        assertThat(bms(chart).list("ports")).extracting(p -> p.string("name")).containsExactly("http", "hazelcast");
        assertThat(chart.get("Service", STS).list("spec", "ports"))
                .extracting(p -> p.string("name"))
                .containsExactly("http");
        assertThat(chart.get("NetworkPolicy", STS)
                        .list("spec", "ingress")
                        .get(1)
                        .list("ports"))
                .hasSize(1);
    }

    @Test
    void shouldServeTheDecisionPortOnTheContainerTheServiceAndThePolicyWhenSet() {
        RenderedChart chart = RenderedChart.render(t -> t.set("bms.decisionPort", 8081)
                .set("networkPolicy.http.from[0].namespaceSelector.matchLabels.team", "shop"));

        assertThat(bms(chart).env().get("BMS_DECISION_PORT").string("value")).isEqualTo("8081");
        assertThat(bms(chart).named("decision", "ports").integer("containerPort"))
                .isEqualTo(8081);
        Yamls.Node servicePort = chart.get("Service", STS).named("decision", "spec", "ports");
        assertThat(servicePort.integer("port")).isEqualTo(8081);
        assertThat(servicePort.string("targetPort")).isEqualTo("decision");
        Yamls.Node httpRule =
                chart.get("NetworkPolicy", STS).list("spec", "ingress").get(1);
        assertThat(httpRule.list("ports")).extracting(p -> p.integer("port")).containsExactly(8080, 8081);
        List<Yamls.Node> from = httpRule.list("from");
        assertThat(from.get(0).map("namespaceSelector", "matchLabels")).containsEntry("team", "shop");
    }

    private static Yamls.Node bms(RenderedChart chart) {
        return chart.get("StatefulSet", STS).named("bms", "spec", "template", "spec", "containers");
    }
}
