package dev.ripple;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The package boundaries: domain packages stay free of the web layer, and the gate model free of any framework. */
class ArchitectureTest {
    /** The packages that own tables; everything else asks them. */
    private static final String[] PERSISTENCE_PACKAGES = {"dev.ripple.cache..", "dev.ripple.incidents..",
            "dev.ripple.rollout.store..", "dev.ripple.audit..", "dev.ripple.auth..", "dev.ripple.chatops.."};

    private static final JavaClasses RIPPLE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ripple");

    @Test
    void onlyTheApiPackageServesHttpResources() {
        noClasses().that().resideOutsideOfPackages("dev.ripple.api..", "dev.ripple.cells..",
                        "dev.ripple.health.prometheus..", "dev.ripple.incidents..")
                .should().dependOnClassesThat().resideInAPackage("jakarta.ws.rs..")
                .because("REST resources live in api; cells, health.prometheus and incidents use JAX-RS types only "
                        + "for their REST clients")
                .check(RIPPLE);
    }

    @Test
    void outsideTheApiJaxRsTypesOnlyDescribeRestClients() {
        classes().that().areAnnotatedWith("jakarta.ws.rs.Path").and().resideOutsideOfPackage("dev.ripple.api..")
                .should().beInterfaces()
                .because("a class annotated with @Path is a resource, and resources live in api")
                .check(RIPPLE);
    }

    @Test
    void noDomainPackageDependsOnTheApi() {
        noClasses().that().resideOutsideOfPackage("dev.ripple.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.ripple.api..")
                .check(RIPPLE);
    }

    @Test
    void theGateModelAndHealthPoliciesArePlainJava() {
        noClasses().that().resideInAnyPackage("dev.ripple.flags..", "dev.ripple.health..")
                .and().resideOutsideOfPackage("dev.ripple.health.prometheus..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.vertx..",
                        "io.smallrye..", "org.hibernate..")
                .because("health.prometheus is the one adapter that talks to Prometheus over HTTP")
                .check(RIPPLE);
    }

    @Test
    void persistenceStaysInsideTheStores() {
        noClasses().that().resideOutsideOfPackages(PERSISTENCE_PACKAGES)
                .should().dependOnClassesThat().resideInAPackage("jakarta.persistence..")
                .check(RIPPLE);
    }

    @Test
    void theRolloutEngineKnowsNeitherHttpNorTheDatabase() {
        noClasses().that().resideInAPackage("dev.ripple.rollout")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "jakarta.persistence..",
                        "org.hibernate..", "dev.ripple.rollout.store..")
                .check(RIPPLE);
    }
}
