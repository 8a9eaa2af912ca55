package dev.tokenplane.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The pure core of the client knows nothing of Vert.x, Micrometer or the network: time and randomness come in. The SDK
 * as a whole needs no Vert.x, and Micrometer only for its meters.
 */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tokenplane.client");

    @Test
    void shouldKeepTheLeaseRetryAndAvailabilityMathsPure() {
        noClasses()
                .that()
                .haveSimpleNameStartingWith("LeaseMath")
                .or()
                .haveSimpleNameStartingWith("LeaseState")
                .or()
                .haveSimpleNameStartingWith("RetrySchedule")
                .or()
                .haveSimpleNameStartingWith("Availability")
                .or()
                .haveSimpleName("Backoff")
                .or()
                .haveSimpleName("RateLimitHeaders")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "io.micrometer..", "java.net..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(Clock.class, InstantSource.class, ThreadLocalRandom.class)
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .check(classes);
    }

    @Test
    void shouldNeedNoVertxAndMicrometerOnlyForTheMeters() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vertx..")
                .check(classes);
        // Micrometer is optional: the meters use it (ClientMetrics, and RegistryTotals for the meters every client of a
        // registry feeds), loaded only when a registry is given; the settings only carry the
        // registry (a type in signatures, not loaded without one: PlainJavaProgramTest runs without Micrometer)
        noClasses()
                .that()
                .doNotHaveSimpleName("ClientMetrics")
                .and()
                .haveNameNotMatching(".*\\.RegistryTotals(\\$.*)?")
                .and()
                .doNotHaveSimpleName("RateLimiterClientConfig")
                .and()
                .doNotHaveSimpleName("RateLimiterClientBuilder")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.micrometer..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void shouldKeepTheApiFreeOfTheImplementation() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.client")
                .and()
                .doNotHaveSimpleName("RateLimiterClientBuilder")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.tokenplane.client.internal..")
                .check(classes);
    }
}
