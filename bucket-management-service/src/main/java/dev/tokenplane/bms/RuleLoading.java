package dev.tokenplane.bms;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.cluster.StartupRetry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.config.RulesFile;
import dev.tokenplane.bms.config.RulesFileSource;
import dev.tokenplane.bms.http.Json;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.schedule.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a starting member's rules: applies the rules file in its mode (and watches it in sync mode), or seeds the
 * bundled examples on a first start. A member alone among {@code BMS_EXPECTED_MEMBERS} may not write: it skips loading,
 * and the member that completes a majority loads the same file (or the examples) when it starts.
 */
final class RuleLoading {
    private static final Logger LOG = LoggerFactory.getLogger(RuleLoading.class);

    private final BmsSettings settings;
    private final RuleRegistry rules;
    private final InstantSource clock;
    private final StartupRetry cluster;

    RuleLoading(BmsSettings settings, RuleRegistry rules, InstantSource clock, StartupRetry cluster) {
        this.settings = settings;
        this.rules = rules;
        this.clock = clock;
        this.cluster = cluster;
    }

    /**
     * Loads the rules. Blocks (cluster writes, disk).
     *
     * @return the watch of the rules file in sync mode, to cancel when the member stops
     */
    Optional<Scheduler.Cancellable> load(HazelcastInstance hazelcast, Scheduler scheduler, MeterRegistry registry)
            throws Exception {
        try {
            return apply(scheduler, registry);
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (HazelcastMember.isWithoutMajority(c)) {
                    LOG.warn(
                            "Not loading rules: this member sees {} of the expected {} members, fewer than a majority",
                            hazelcast.getCluster().getMembers().size(),
                            settings.expectedMembers());
                    return Optional.empty();
                }
            }
            throw e;
        }
    }

    private Optional<Scheduler.Cancellable> apply(Scheduler scheduler, MeterRegistry registry) throws Exception {
        if (settings.rulesFile().isPresent()) {
            RulesFileSource source =
                    new RulesFileSource(settings.rulesFile().get(), settings.rulesMode(), rules, Json.STRICT, clock);
            cluster.run("rules file", source::start); // the file's rules, applied again: the same outcome
            if (settings.rulesMode() == BmsSettings.RulesMode.SYNC) {
                source.bindTo(registry);
                return Optional.of(source.watch(scheduler));
            }
        } else if (rules.neverHadRules()) {
            List<Rule> examples = RulesFile.examples(Json.STRICT);
            // asked once: a seed cut short by a migration has written some, and seeds the others when run again
            cluster.run(
                    "bundled example rules",
                    () -> RulesFileSource.seed(examples, "the bundled examples", rules, clock));
        }
        return Optional.empty();
    }
}
