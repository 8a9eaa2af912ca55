package dev.tokenplane.benchmarks.sentinel;

import com.alibaba.csp.sentinel.cluster.flow.rule.ClusterFlowRuleManager;
import com.alibaba.csp.sentinel.cluster.server.SentinelDefaultTokenServer;
import com.alibaba.csp.sentinel.cluster.server.config.ClusterServerConfigManager;
import com.alibaba.csp.sentinel.cluster.server.config.ServerFlowConfig;
import com.alibaba.csp.sentinel.cluster.server.config.ServerTransportConfig;
import com.alibaba.csp.sentinel.slots.block.ClusterRuleConstant;
import com.alibaba.csp.sentinel.slots.block.flow.ClusterFlowConfig;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sentinel's cluster token server, stand-alone, for {@code run-sentinel-pairs.sh}:
 * {@code java -cp benchmarks.jar dev.tokenplane.benchmarks.sentinel.SentinelTokenServerMain <port> <flows>}. It
 * serves {@code flows} global QPS rules (flow ids 1..flows) whose threshold no load here reaches, so that every answer
 * is a grant and the decision path is measured, as the BMS side's rule grants everything. The per-namespace request
 * limit (30,000/s by default) is raised out of the way too.
 */
public final class SentinelTokenServerMain {
    /** The namespace (Sentinel's application name) the load generator's client uses. */
    public static final String NAMESPACE = "tokenplane-bench";

    private SentinelTokenServerMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int flows = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        ClusterServerConfigManager.loadGlobalTransportConfig(
                new ServerTransportConfig().setPort(port).setIdleSeconds(600));
        ClusterServerConfigManager.loadGlobalFlowConfig(new ServerFlowConfig().setMaxAllowedQps(1e9));
        ClusterServerConfigManager.loadFlowConfig(NAMESPACE, new ServerFlowConfig(NAMESPACE).setMaxAllowedQps(1e9));
        ClusterServerConfigManager.loadServerNamespaceSet(Set.of(NAMESPACE));
        List<FlowRule> rules = new ArrayList<>(flows);
        for (long id = 1; id <= flows; id++) {
            FlowRule rule = new FlowRule("resource-" + id).setCount(1e9);
            rule.setClusterMode(true);
            rule.setClusterConfig(
                    new ClusterFlowConfig().setFlowId(id).setThresholdType(ClusterRuleConstant.FLOW_THRESHOLD_GLOBAL));
            rules.add(rule);
        }
        ClusterFlowRuleManager.loadRules(NAMESPACE, rules);
        new SentinelDefaultTokenServer().start();
        System.out.println("sentinel token server ready on " + port + " with " + flows + " flows");
        System.out.flush();
        Thread.currentThread().join();
    }
}
