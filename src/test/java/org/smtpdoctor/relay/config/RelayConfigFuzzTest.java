package org.smtpdoctor.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;

/**
 * Fuzz target: the relay's configuration file reader ({@link RelayConfigReader}: YAML through
 * Jackson/SnakeYAML into {@link ConfigNode}, then every key's validation, the upstream URLs, CIDRs,
 * password hashes, sizes and durations), fed any bytes as {@link TextInput} decodes a file. The
 * only failure allowed is a {@link ConfigException} that names the file; anything else (a
 * NullPointerException, a stack overflow on deep nesting, an out-of-range number) would reach the
 * user as a stack trace. What it accepts is a configuration the relay can start with.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/relay/config/RelayConfigFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class RelayConfigFuzzTest {

    @FuzzTest
    void configurationFiles(FuzzedDataProvider data) {
        byte[] file = data.consumeRemainingAsBytes();
        String yaml;
        try {
            yaml = TextInput.decode(file, "relay.yaml");
        } catch (InputException e) {
            assertThat(e.getMessage()).startsWith("relay.yaml: not UTF-");
            yaml = new String(file, StandardCharsets.ISO_8859_1);
        }
        try {
            RelayConfig config = RelayConfigReader.parse(yaml, "relay.yaml");
            assertThat(config.listeners()).isNotEmpty();
            assertThat(config.devices()).isNotEmpty();
            assertThat(config.upstreams()).isNotEmpty();
            for (DeviceRule d : config.devices()) {
                for (Cidr n : d.networks()) {
                    assertThat(config.guard().refusal(n)).as("never an open relay by accident").isEmpty();
                }
            }
            assertThat(config.needsRestartFor(config)).isEmpty();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("relay.yaml");
            assertThat(e.getMessage()).doesNotContain("Exception", "\tat ");
        }
    }
}
