package dev.tokenplane.bms.leases;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The lease rule as the ledger applies it (an entry that a returned release removes): over any sequence of release
 * attempts, by the lease's client or others, early or late, asking for any amount, the tokens given back never exceed
 * the tokens leased, and only the lease's own client gets any, before the lease expires, once.
 */
class LeaseProperties {
    private static final long EXPIRES_AT = 10_000;

    record Attempt(String client, long requested, long at) {}

    @Property(tries = 500)
    void shouldNeverGiveBackMoreThanWasLeased(
            @ForAll @IntRange(min = 1, max = 1_000) int leased, @ForAll("attempts") List<Attempt> attempts) {
        Lease entry = new Lease("acme", leased, EXPIRES_AT);
        long returned = 0;
        int returns = 0;
        for (Attempt a : attempts) {
            Lease.Release r = Lease.release(entry, a.client(), a.requested(), a.at());
            if (r instanceof Lease.Returned t) {
                assertThat(entry).isNotNull();
                assertThat(a.client()).isEqualTo("acme");
                assertThat(a.at()).isLessThan(EXPIRES_AT);
                assertThat(t.tokens()).isEqualTo(Math.min(a.requested(), leased));
                returned += t.tokens();
                returns++;
                entry = null; // the ledger removes an entry once it has been released
            }
        }
        assertThat(returned).isLessThanOrEqualTo(leased);
        assertThat(returns).isLessThanOrEqualTo(1);
    }

    @Provide
    Arbitrary<List<Attempt>> attempts() {
        return Combinators.combine(
                        Arbitraries.of("acme", "globex", "ACME"),
                        Arbitraries.longs().between(1, 2_000),
                        Arbitraries.longs().between(0, 2 * EXPIRES_AT))
                .as(Attempt::new)
                .list()
                .ofMaxSize(20);
    }

    @Example
    void shouldKeepTheLeaseRuleFreeOfHazelcastAndVertx() {
        noClasses()
                .that()
                .haveFullyQualifiedName(Lease.class.getName())
                .or()
                .haveFullyQualifiedName(Lease.Returned.class.getName())
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.hazelcast..", "io.vertx..")
                .check(new ClassFileImporter().importPackages("dev.tokenplane.bms.leases"));
    }
}
