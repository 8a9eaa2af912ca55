package dev.tokenplane.client.plain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Bms;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SDK in a plain Java program, against a real BMS: the program runs in its own JVM whose class path is only
 * tokenplane-client and its runtime dependencies as Maven resolves them for a user (the build writes them to
 * {@code target/sdk-runtime.classpath}, without the optional Micrometer). The BMS runs in this JVM, which has Vert.x.
 */
class PlainJavaProgramTest {

    @Test
    void shouldRateLimitFromAJvmWithoutVertx() throws Exception {
        try (Bms bms = Bms.start()) {
            // Given a rule, and the class path of a user of the SDK
            bms.rule("plain", "{\"match\":\"plain:*\",\"capacity\":3,\"refillPerSecond\":0.5}");
            Path dependencies =
                    Path.of(System.getProperty("sdk.runtime.classpath.file", "target/sdk-runtime.classpath"));
            String classPath = String.join(
                    File.pathSeparator,
                    List.of(
                            Path.of("target/classes").toAbsolutePath().toString(),
                            Path.of("target/test-classes").toAbsolutePath().toString(),
                            Files.readString(dependencies).trim()));
            assertThat(classPath).doesNotContain("vertx").doesNotContain("micrometer");

            // When the program runs there
            Path out = Files.createTempFile("plain-program", ".txt");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            classPath,
                            PlainJavaProgram.class.getName(),
                            bms.url())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);

            // Then it got its decisions from the BMS, blocking and asynchronous, without Vert.x or Micrometer
            assertThat(ended).as(output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains(
                            "absent io.vertx.core.Vertx",
                            "absent io.micrometer.core.instrument.MeterRegistry",
                            "tryAcquire true true false",
                            "acquire true source BMS",
                            "acquireAsync true remaining 0",
                            "OK");
            // and the BMS counted them: plain:a is empty again
            assertThat(bms.tokens("plain:a")).isLessThanOrEqualTo(1);
        }
    }
}
