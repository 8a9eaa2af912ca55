package dev.tokenplane.bms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.tokenplane.bms.http.ApiRoutes;
import java.io.Serializable;
import org.junit.jupiter.api.Test;

/** Pure core, adapters at the edges: rule matching and decisions know nothing of HTTP, the HTTP edge no Hazelcast. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tokenplane.bms");

    @Test
    void shouldKeepRuleMatchingFreeOfVertxAndHazelcast() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.bms.rules..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "com.hazelcast..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepDecisionsFreeOfVertx() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.bms.decide..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepHazelcastOutOfTheHttpEdge() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.bms.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.hazelcast..")
                .check(CLASSES);
    }

    @Test
    void shouldServeEveryRouteFromTheHttpPackage() {
        classes()
                .that()
                .implement(ApiRoutes.class)
                .should()
                .resideInAPackage("dev.tokenplane.bms.http..")
                .check(CLASSES);
    }

    /** The domain records know nothing of JSON: their shapes are mix-ins at the edges ({@code json.DomainJson}). */
    @Test
    void shouldKeepJsonMappingOutOfRulesAndDecisions() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.tokenplane.bms.rules..", "dev.tokenplane.bms.decide..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml.jackson..")
                .check(CLASSES);
    }

    /**
     * JSON shapes live at the edge only: the HTTP views (records of {@code http}) and the domain records' mix-ins
     * ({@code json.DomainJson}); no domain record carries a Jackson annotation.
     */
    @Test
    void shouldKeepJacksonAnnotationsAtTheEdge() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.tokenplane.bms.json..", "dev.tokenplane.bms.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml.jackson.annotation..")
                .check(CLASSES);
    }

    /**
     * Members refuse Java deserialization of anything but exceptions, so a Serializable type (Hazelcast's
     * {@code EntryProcessor} and {@code Predicate} are) must say how it travels. The filter would fail the first
     * multi-member test that sends one; this names it at build time, for the BMS and the bucket store.
     */
    @Test
    void shouldSendNothingBetweenMembersByJavaSerialization() {
        JavaClasses members = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // the store's test jar
                .importPackages("dev.tokenplane.bms", "dev.tokenplane.store");
        classes()
                .that()
                .areAssignableTo(Serializable.class)
                .and()
                .areNotAssignableTo(Throwable.class)
                .and()
                .areNotEnums()
                .should()
                .beAssignableTo(IdentifiedDataSerializable.class)
                .check(members);
    }
}
