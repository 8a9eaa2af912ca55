package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rendered PrometheusRule, checked and run by Prometheus's own {@code promtool} (Debian's {@code prometheus}
 * package, which {@code .ci/run} installs): {@code check rules} parses every expression and annotation template, and
 * {@code test rules} feeds each alert series over time and checks when it fires and with which labels (annotations
 * are left out of the unit tests; {@code check rules} covers their templates).
 */
class AlertRulesPromtoolTest {

    private static final String SEL = "namespace=\"rate\",job=\"tp-tokenplane-bms\"";

    @TempDir
    static Path work;

    private static List<Object> groups;

    @BeforeAll
    static void renderTheRules() {
        RenderedChart chart = RenderedChart.render(t -> t.set("serviceMonitor.enabled", true));
        groups = chart.get("PrometheusRule", "tp-tokenplane-bms").list("spec", "groups").stream()
                .map(Yamls.Node::value)
                .toList();
    }

    @Test
    void shouldPassPromtoolsCheck() throws Exception {
        Path rules = write("rules.yaml", Map.of("groups", groups));

        String output = promtool("check", "rules", rules.toString());

        assertThat(output).contains("SUCCESS: 6 rules found");
    }

    @Test
    void shouldFireEachAlertOnlyWhenItsConditionHolds() throws Exception {
        write("rules.yaml", Map.of("groups", withoutAnnotations()));
        Path tests = Files.writeString(work.resolve("tests.yaml"), """
                rule_files: [rules.yaml]
                evaluation_interval: 1m
                tests:
                  # member 0 stops answering at 11m: down after 2m, and the cluster smaller than 3 after 5m
                  - interval: 1m
                    input_series:
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-0"}', values: '1x10 0x20'}
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-1"}', values: '1x30'}
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-2"}', values: '1x30'}
                    alert_rule_test:
                      - {eval_time: 10m, alertname: TokenplaneMemberDown, exp_alerts: []}
                      - eval_time: 14m
                        alertname: TokenplaneMemberDown
                        exp_alerts:
                          - exp_labels: {severity: warning, namespace: rate, job: tp-tokenplane-bms, pod: tp-tokenplane-bms-0}
                      - {eval_time: 14m, alertname: TokenplaneClusterSmallerThanExpected, exp_alerts: []}
                      - eval_time: 17m
                        alertname: TokenplaneClusterSmallerThanExpected
                        exp_alerts:
                          - exp_labels: {severity: critical, namespace: rate}
                  # every member answers, but one sees a Hazelcast cluster of 2 (split off) from 6m
                  - interval: 1m
                    input_series:
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-0"}', values: '1x20'}
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-1"}', values: '1x20'}
                      - {series: 'up{SEL,pod="tp-tokenplane-bms-2"}', values: '1x20'}
                      - {series: 'bms_cluster_members{SEL,pod="tp-tokenplane-bms-0"}', values: '3x5 2x15'}
                      - {series: 'bms_cluster_members{SEL,pod="tp-tokenplane-bms-1"}', values: '3x20'}
                    alert_rule_test:
                      - {eval_time: 5m, alertname: TokenplaneClusterSmallerThanExpected, exp_alerts: []}
                      - eval_time: 12m
                        alertname: TokenplaneClusterSmallerThanExpected
                        exp_alerts:
                          - exp_labels: {severity: critical, namespace: rate}
                  # the breaker of pool p1 opens at 6m; p2 stays closed
                  - interval: 1m
                    input_series:
                      - {series: 'bms_breaker_state{SEL,pod="tp-tokenplane-bms-0",pool="p1",state="open"}', values: '0x5 1x15'}
                      - {series: 'bms_breaker_state{SEL,pod="tp-tokenplane-bms-0",pool="p2",state="open"}', values: '0x20'}
                    alert_rule_test:
                      - {eval_time: 8m, alertname: TokenplaneBreakerOpen, exp_alerts: []}
                      - eval_time: 12m
                        alertname: TokenplaneBreakerOpen
                        exp_alerts:
                          - exp_labels: {severity: warning, namespace: rate, pool: p1}
                  # rule r1: 10 decisions/s, 5 % denied for 70 minutes, then 50 %; rule r2 steady at 5 %
                  - interval: 1m
                    input_series:
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r1",outcome="granted"}', values: '0+570x70 40200+300x20'}
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r1",outcome="denied"}', values: '0+30x70 2400+300x20'}
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r2",outcome="granted"}', values: '0+570x90'}
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r2",outcome="denied"}', values: '0+30x90'}
                    alert_rule_test:
                      - {eval_time: 70m, alertname: TokenplaneDenialRatioJump, exp_alerts: []}
                      - eval_time: 85m
                        alertname: TokenplaneDenialRatioJump
                        exp_alerts:
                          - exp_labels: {severity: warning, namespace: rate, rule: r1}
                  # rule r3: the same jump at 0.1 decisions/s stays quiet (denialMinRate 1)
                  - interval: 1m
                    input_series:
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r3",outcome="granted"}', values: '0+5.7x70 402+3x20'}
                      - {series: 'bms_decisions_total{SEL,pod="tp-tokenplane-bms-0",rule="r3",outcome="denied"}', values: '0+0.3x70 24+3x20'}
                    alert_rule_test:
                      - {eval_time: 85m, alertname: TokenplaneDenialRatioJump, exp_alerts: []}
                  # two agents go stale at 6m
                  - interval: 1m
                    input_series:
                      - {series: 'bms_agents{SEL,pod="tp-tokenplane-bms-0",state="stale"}', values: '0x5 2x15'}
                      - {series: 'bms_agents{SEL,pod="tp-tokenplane-bms-1",state="stale"}', values: '0x5 2x15'}
                    alert_rule_test:
                      - {eval_time: 9m, alertname: TokenplaneAgentsStale, exp_alerts: []}
                      - eval_time: 12m
                        alertname: TokenplaneAgentsStale
                        exp_alerts:
                          - exp_labels: {severity: warning, namespace: rate}
                  # member 1's bucket budget passes 90 % at 6m; member 0 stays at 50 %
                  - interval: 1m
                    input_series:
                      - {series: 'bms_bucket_budget_limit{SEL,pod="tp-tokenplane-bms-0"}', values: '1000000x30'}
                      - {series: 'bms_bucket_budget_used{SEL,pod="tp-tokenplane-bms-0"}', values: '500000x30'}
                      - {series: 'bms_bucket_budget_limit{SEL,pod="tp-tokenplane-bms-1"}', values: '1000000x30'}
                      - {series: 'bms_bucket_budget_used{SEL,pod="tp-tokenplane-bms-1"}', values: '500000x5 950000x25'}
                    alert_rule_test:
                      - {eval_time: 14m, alertname: TokenplaneBucketBudgetNearFull, exp_alerts: []}
                      - eval_time: 20m
                        alertname: TokenplaneBucketBudgetNearFull
                        exp_alerts:
                          - exp_labels: {severity: warning, namespace: rate, pod: tp-tokenplane-bms-1}
                """.replace("SEL", SEL));

        String output = promtool("test", "rules", tests.toString());

        assertThat(output).contains("SUCCESS");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> withoutAnnotations() {
        Yaml yaml = new Yaml();
        List<Object> copy = (List<Object>) yaml.load(yaml.dump(groups));
        copy.forEach(g -> ((List<Map<String, Object>>) ((Map<String, Object>) g).get("rules"))
                .forEach(r -> r.remove("annotations")));
        return copy;
    }

    private static Path write(String name, Object content) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return Files.writeString(work.resolve(name), new Yaml(options).dump(content));
    }

    /** Runs promtool in the work folder; fails with its output unless it exits 0. */
    private static String promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("promtool not found: apt-get install prometheus (as .ci/run does)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + "\n" + output)
                .isZero();
        return output;
    }
}
