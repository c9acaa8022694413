package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SoakReportTest {

    @Test
    void aRunSectionGoesAtTheEndOfTheSoakSection() {
        String doc = "# Reliability\n\n## Fuzzing\n\nf\n\n## Soak\n\nMethod.\n\n### run 1\n\nr1\n\n## Chaos\n\nc\n";
        assertEquals("# Reliability\n\n## Fuzzing\n\nf\n\n## Soak\n\nMethod.\n\n### run 1\n\nr1\n\n### run 2\n\n## Chaos\n\nc\n",
                SoakReport.insert(doc, "### run 2\n"));
        assertEquals("# R\n\n## Soak\n\n### run\n", SoakReport.insert("# R\n", "### run\n"));
        assertEquals("# R\n\n## Soak\n\nm\n\n### run\n", SoakReport.insert("# R\n\n## Soak\n\nm\n", "### run\n"));
    }
}
