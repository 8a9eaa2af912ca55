package dev.tokenplane.bms.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenplane.bms.BmsSettings.RulesMode;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.schedule.Scheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code BMS_RULES_FILE} in its {@code BMS_RULES_MODE}:
 * <ul>
 *   <li>{@link RulesMode#SEED}: at start, creates the file's rules whose ids never held a rule in the cluster (no record,
 *       no tombstone). A rule an operator changed or deleted through the API stays as the operator left it, on every
 *       member, across restarts.</li>
 *   <li>{@link RulesMode#SYNC}: the file is the source of truth of its rules. At start and whenever its content changes
 *       ({@link #poll}, driven by the caller's scheduler) every rule of the file is written, marked as owned by the
 *       file, and the file-owned rules that are no longer in it are deleted. The API refuses to write file-owned rules
 *       ({@link RuleRegistry}). Rules created through the API are not the file's and stay.</li>
 * </ul>
 * Every member applies its own copy of the file; writes of equal rules change nothing, so members that read the same
 * file agree. Blocking (remote calls and disk): never call it on an event loop.
 *
 * <p>Thread-safe: {@link #poll} is serialised.
 */
public final class RulesFileSource {
    private static final Logger LOG = LoggerFactory.getLogger(RulesFileSource.class);
    /** How often sync mode looks at the file (a ConfigMap update reaches a pod's volume within about a minute). */
    public static final long POLL_INTERVAL_MS = 1000;

    private static final long TIMEOUT_MS = 30_000;

    private final Path file;
    private final RulesMode mode;
    private final RuleRegistry rules;
    private final RuleSetApplier applier;
    private final ObjectMapper strict;
    private final InstantSource clock;
    /** The content last applied (sync), and the last one refused, logged once. */
    private String applied;

    private volatile String refused;

    public RulesFileSource(Path file, RulesMode mode, RuleRegistry rules, ObjectMapper strict, InstantSource clock) {
        this.file = file;
        this.mode = mode;
        this.rules = rules;
        this.applier = new RuleSetApplier(rules);
        this.strict = strict;
        this.clock = clock;
    }

    /**
     * Applies the file once, at start, after the member has joined the replicated rules.
     *
     * @throws dev.tokenplane.bms.rules.InvalidInputException for a file that is not a valid rules file
     */
    public synchronized void start() throws Exception {
        String text = read();
        List<Rule> fileRules = RulesFile.parse(text, file.toString(), strict);
        if (mode == RulesMode.SEED) {
            seed(fileRules, file + " (seed mode)", rules, clock);
        } else {
            try {
                sync(fileRules);
                applied = text;
            } catch (ReplicatedConfig.NotDurableException e) {
                // nothing of the file was kept; the member is not ready while its disk refuses, the poll tries again
                LOG.error("Rules file {} not applied at start, trying again: {}", file, e.getMessage());
            }
        }
    }

    /**
     * Sync mode: re-applies the file if its content changed since it was last applied. A file that cannot be read or
     * is not valid leaves the rules as they are (logged once per content) and is tried again at the next poll.
     *
     * @return whether the file was applied
     */
    public synchronized boolean poll() {
        if (mode != RulesMode.SYNC) {
            return false;
        }
        String text;
        try {
            text = read();
        } catch (IOException e) {
            refuse("(unreadable)", "cannot read it: " + e);
            return false;
        }
        if (text.equals(applied)) {
            refused = null; // back to what was applied
            return false;
        }
        List<Rule> wanted;
        try {
            wanted = RulesFile.parse(text, file.toString(), strict);
        } catch (RuntimeException e) {
            refuse(text, e.getMessage());
            return false;
        }
        try {
            sync(wanted);
            applied = text;
            refused = null;
            return true;
        } catch (Exception e) {
            LOG.warn("Rules file {} not applied yet, trying again: {}", file, e.toString());
            return false;
        }
    }

    /**
     * Registers {@code bms_rules_file_refused}: 1 while the file's current content is refused (not valid or not
     * readable) and the rules stay as last applied, else 0. For an alert: in sync mode a bad edit changes nothing.
     */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("bms.rules.file.refused", this, s -> s.refusedNow() ? 1 : 0)
                .strongReference(true)
                .description("1 while the rules file's content is refused (sync mode), else 0")
                .register(registry);
    }

    private boolean refusedNow() {
        return refused != null;
    }

    /** Sync mode: {@link #poll}s every {@link #POLL_INTERVAL_MS} on {@code scheduler}, until cancelled. */
    public Scheduler.Cancellable watch(Scheduler scheduler) {
        return scheduler.every("rules file poll", Duration.ofMillis(POLL_INTERVAL_MS), this::poll);
    }

    /**
     * Creates each rule of {@code toLoad} whose id never held a rule, and writes the created ones to this member's
     * disk, or when it refuses, leaves them to its background retry (the member is not ready meanwhile). A seed is not
     * undone on a refusing disk: its undo would leave tombstones, and a tombstone stops the rule from ever being seeded
     * again. No client waits on a seed, and every other member persists it from the map's events.
     */
    public static void seed(List<Rule> toLoad, String source, RuleRegistry rules, InstantSource clock)
            throws Exception {
        int created = 0;
        for (Rule r : toLoad) {
            created += persisted(rules, rules.seed(r, clock.millis())) ? 1 : 0;
        }
        LOG.info(
                "Rules from {}: {} in the file, {} created, the others kept as the cluster has them",
                source,
                toLoad.size(),
                created);
    }

    /**
     * Writes the file's rules and deletes the file-owned rules no longer in it, all or nothing
     * ({@link RuleSetApplier#apply(List)}): each write durable on this member's disk before the next; when the disk
     * refuses one, it and the earlier ones are undone, and the next poll tries the whole file again.
     */
    private void sync(List<Rule> wanted) {
        long now = clock.millis();
        List<RuleSetApplier.Step> steps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Rule r : wanted) {
            ids.add(r.id());
            steps.add(new RuleSetApplier.Step(
                    r.id(),
                    () -> rules.putOwnedByFile(r, now),
                    w -> rules.restore(r.id(), w.previous(), w.record().version(), now),
                    true));
        }
        int deleting = 0;
        for (Map.Entry<String, Long> owned : rules.ownedByFile().entrySet()) {
            String id = owned.getKey();
            if (!ids.contains(id)) {
                deleting++;
                steps.add(new RuleSetApplier.Step(
                        id,
                        () -> rules.deleteOwnedByFile(id, owned.getValue(), now),
                        w -> rules.restore(id, w.previous(), ReplicatedConfig.ABSENT, now),
                        true));
            }
        }
        int changed = applier.apply(steps);
        LOG.info(
                "Rules from {} (sync mode): {} in the file, {} written or deleted ({} no longer in the file)",
                file,
                wanted.size(),
                changed,
                deleting);
    }

    private static boolean persisted(RuleRegistry rules, CompletionStage<ConfigWrite> write) throws Exception {
        ConfigWrite w = write.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (w.changed()) {
            rules.persistOrRetry(w.record());
        }
        return w.changed();
    }

    private void refuse(String content, String why) {
        if (!Objects.equals(content, refused)) {
            refused = content;
            LOG.error("Rules file {} not applied, the rules stay as they are: {}", file, why);
        }
    }

    private String read() throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
