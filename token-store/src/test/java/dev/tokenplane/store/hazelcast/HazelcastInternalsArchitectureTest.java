package dev.tokenplane.store.hazelcast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Hazelcast's internal API is used in one class only, so that a Hazelcast upgrade has one place to look at. */
@AnalyzeClasses(packages = "dev.tokenplane", importOptions = ImportOption.DoNotIncludeTests.class)
class HazelcastInternalsArchitectureTest {

    @ArchTest
    static final ArchRule onlyHazelcastInternalsUsesInternalApi = noClasses()
            .that()
            .doNotBelongToAnyOf(HazelcastInternals.class)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.hazelcast..impl..", "com.hazelcast..internal..")
            .because("Hazelcast's internals change without notice; HazelcastInternals is the one place that uses them");
}
