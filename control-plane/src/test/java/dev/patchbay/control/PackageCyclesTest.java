package dev.patchbay.control;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package of this module's main code depends, directly or through others, on a package that depends
 * back on it (issue 15). Each package is its own slice, so this sees what {@code jdeps -verbose:package}
 * shows; docs/package-graph.md has the graph.
 */
class PackageCyclesTest {

    @Test
    void packagesFormNoCycle() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.patchbay.control");
        slices().matching("dev.patchbay.control.(**)")
                .should().beFreeOfCycles()
                .check(main);
    }
}
