package dev.tokenplane.bms.config;

import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleSetDiff;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RuleSetDiff} all or nothing, with the same versioned writes as {@code PUT /v1/rules/{id}}: each
 * added rule must still be absent, each changed or removed rule must still be at the version the diff saw. When a
 * write fails (a concurrent change: 409; or any error) the writes already made are undone, newest first, each again
 * conditional on the version it wrote, and the first failure is thrown.
 *
 * <p>Each write of the set is durable on this member's disk before the next ({@link RuleRegistry#durable}): when
 * the disk refuses one, that write is rolled back, the earlier ones are undone, and the apply fails with
 * {@link ReplicatedConfig.NotDurableException} (503). Undo writes stand even on a failing disk (retried there in the
 * background), so a full disk never leaves the set half applied.
 *
 * <p>There is no cluster-wide transaction: other members may see the set half applied for the moment the apply
 * takes. If the member running the apply dies midway, the writes it made stay (each is replicated to its backup and on
 * the members' disks), the others are not made, nothing is undone, and the client sees its connection fail. The set
 * is then partly applied; applying the same set again finishes it, because the diff is taken against what the cluster
 * holds, and a dry run shows what is left.
 *
 * <p>Blocks (waits for each write and writes the member's disk): call it on a worker. One apply at a time per member.
 */
public final class RuleSetApplier {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetApplier.class);
    private static final long WRITE_TIMEOUT_SECONDS = 30;

    /** A write that did not happen because the rule changed since the diff. */
    public static final class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message, null, false, false);
        }
    }

    /** A write refused because the rules file owns the rule ({@code BMS_RULES_MODE=sync}). */
    public static final class ManagedByFileException extends RuntimeException {
        public ManagedByFileException(String message) {
            super(message, null, false, false);
        }
    }

    private final RuleRegistry rules;

    public RuleSetApplier(RuleRegistry rules) {
        this.rules = rules;
    }

    /** A write made, and how to undo it. */
    private record Done(String ruleId, Supplier<CompletionStage<ConfigWrite>> undo) {}

    /**
     * One write of a set: {@code write} makes it, {@code undo} (given what it did) reverses it. A {@code tolerant}
     * step that finds the rule changed meanwhile is skipped instead of failing the set (a rules file's writes).
     */
    public record Step(
            String ruleId,
            Supplier<CompletionStage<ConfigWrite>> write,
            Function<ConfigWrite, CompletionStage<ConfigWrite>> undo,
            boolean tolerant) {}

    /**
     * Applies {@code diff}: adds, changes, and when {@code prune} deletes the removed rules.
     *
     * @throws ConflictException when a rule changed since the diff (everything written is undone)
     */
    public void apply(RuleSetDiff diff, boolean prune, long nowMillis) {
        List<Step> steps = new ArrayList<>();
        for (Rule r : diff.added()) {
            steps.add(new Step(
                    r.id(),
                    () -> rules.put(r, ReplicatedConfig.ABSENT, false, nowMillis),
                    w -> rules.delete(r.id(), w.record().version(), nowMillis),
                    false));
        }
        for (RuleSetDiff.Change c : diff.changed()) {
            steps.add(new Step(
                    c.after().id(),
                    () -> rules.put(c.after(), c.before().version(), false, nowMillis),
                    w -> rules.put(c.before(), w.record().version(), false, nowMillis),
                    false));
        }
        if (prune) {
            for (Rule r : diff.removed()) {
                steps.add(new Step(
                        r.id(),
                        () -> rules.delete(r.id(), r.version(), nowMillis),
                        w -> rules.put(r, ReplicatedConfig.ABSENT, false, nowMillis),
                        false));
            }
        }
        apply(steps);
    }

    /**
     * Makes {@code steps} in order, each durable on this member's disk before the next, all or nothing: when one fails
     * (a conflict, a refusing disk, any error) the ones made are undone, newest first, and the first failure is thrown.
     *
     * @return how many steps changed a rule
     */
    public synchronized int apply(List<Step> steps) {
        Deque<Done> done = new ArrayDeque<>();
        try {
            for (Step step : steps) {
                ConfigWrite w = write(step.ruleId(), step.write().get(), true, step.tolerant());
                if (w.changed()) {
                    done.push(new Done(step.ruleId(), () -> step.undo().apply(w)));
                }
            }
            return done.size();
        } catch (RuntimeException e) {
            List<String> notUndone = undo(done);
            if (!notUndone.isEmpty()) {
                LOG.error(
                        "rule set apply failed ({}) and these rules could not be restored: {}",
                        e.getMessage(),
                        notUndone);
                throw new ConflictException(e.getMessage() + "; these rules were written and could not be restored "
                        + "(changed again meanwhile): " + notUndone);
            }
            throw e;
        }
    }

    private List<String> undo(Deque<Done> done) {
        List<String> failed = new ArrayList<>();
        while (!done.isEmpty()) {
            Done d = done.pop();
            try {
                write(d.ruleId(), d.undo().get(), false, false);
            } catch (RuntimeException e) {
                failed.add(d.ruleId());
            }
        }
        return failed;
    }

    /**
     * Waits for one write, fails on a conflict, and writes the result to this member's disk. A write of the set must
     * be durable ({@code forward}: when the disk refuses it, it is rolled back and the apply fails, undoing the rest);
     * an undo stands even when the disk refuses it, and reaches the disk through the background retry.
     */
    private ConfigWrite write(String ruleId, CompletionStage<ConfigWrite> stage, boolean forward, boolean tolerant) {
        ConfigWrite w;
        try {
            w = stage.toCompletableFuture().get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing rule " + ruleId, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("writing rule " + ruleId + " timed out", e);
        }
        if (w.outcome() == ConfigWrite.Outcome.MANAGED) {
            throw new ManagedByFileException("rule '" + ruleId + "' is owned by the rules file (BMS_RULES_MODE=sync):"
                    + " change it in the file; nothing of the set was kept");
        }
        if (w.outcome() == ConfigWrite.Outcome.CONFLICT || w.outcome() == ConfigWrite.Outcome.NOT_FOUND) {
            if (tolerant) {
                return w;
            }
            throw new ConflictException("rule '" + ruleId + "' changed while the set was applied (now "
                    + (w.record() == null || w.record().deleted()
                            ? "absent"
                            : "at version " + w.record().version())
                    + "); nothing of the set was kept: diff and apply again");
        }
        if (forward) {
            rules.durable(w);
        } else if (w.changed()) {
            rules.persistOrRetry(w.record());
        }
        return w;
    }
}
