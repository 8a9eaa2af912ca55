package dev.tokenplane.simulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The simulation (workloads, server model, algorithms, metrics, comparisons) is a pure, deterministic core; charts,
 * the command line and the report's files are its edges.
 */
@AnalyzeClasses(packages = "dev.tokenplane.simulator", importOptions = ImportOption.DoNotIncludeTests.class)
class SimulatorArchitectureTest {

    /** The edges: chart files, the command line, the report's template and file. */
    private static final Class<?>[] EDGES = {
        ChartRenderer.class, SimulatorMain.class, Report.class, ReportTemplate.class
    };

    @ArchTest
    static final ArchRule coreKnowsNoFrameworkOrFiles = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.simulator..")
            .and()
            .doNotBelongToAnyOf(EDGES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.vertx..", "com.hazelcast..", "org.knowm..", "picocli..", "java.io..", "java.nio.file..")
            .because("the simulation runs the same in tests and in the report, from the seed alone");

    @ArchTest
    static final ArchRule coreReadsNoClock = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.simulator..")
            .and()
            .doNotBelongToAnyOf(SimulatorMain.class)
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .because("a run is deterministic: the same seed gives the same report, byte for byte (the command line"
                    + " only times the run for its progress log)");
}
