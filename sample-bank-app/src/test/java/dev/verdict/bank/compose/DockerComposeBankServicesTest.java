package dev.verdict.bank.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.bank.BankProperties;
import dev.verdict.participant.autoconfigure.VerdictClientProperties;
import dev.verdict.participant.autoconfigure.VerdictParticipantProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The docker-compose demo is not run by the build (no Docker engine where it is built), so this test keeps the
 * bank services' settings true to the code: every {@code --name=value} of an agent or the gateway binds to a
 * property that exists, with a value of its type, and every address names a service of the file.
 */
class DockerComposeBankServicesTest {

    private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml");
    /** Settings of other libraries the file may give, checked by name only. */
    private static final Set<String> OTHER_SETTINGS = Set.of("spring.datasource.url");

    @Test
    void everySettingOfAnAgentOrTheGatewayBindsToAPropertyOfTheBank() throws IOException {
        Map<String, Map<String, Object>> services = services();
        Map<String, Map<String, String>> bank = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (service.get("build") instanceof Map<?, ?> build && "bank".equals(build.get("target"))) {
                bank.put(name, settings(service));
            }
        });
        assertThat(bank.keySet()).containsExactlyInAnyOrder("agent-0", "agent-1", "gateway");

        bank.forEach((name, settings) -> {
            bind(settings, "bank", BankProperties.class);
            bind(settings, "verdict.participant", VerdictParticipantProperties.class);
            bind(settings, "verdict.client", VerdictClientProperties.class);
            assertThat(settings.keySet()).as(name).allMatch(key -> key.startsWith("bank.")
                    || key.startsWith("verdict.participant.") || key.startsWith("verdict.client.")
                    || OTHER_SETTINGS.contains(key));
        });

        Map<String, String> gateway = bank.get("gateway");
        assertThat(hosts(gateway.get("bank.shard-urls"))).containsExactly("agent-0", "agent-1");
        assertThat(hosts(gateway.get("verdict.client.coordinator-urls")))
                .containsExactly("coordinator-1", "coordinator-2", "coordinator-3")
                .allMatch(services::containsKey);
        for (int shard = 0; shard < 2; shard++) {
            Map<String, String> agent = bank.get("agent-" + shard);
            assertThat(agent).containsEntry("bank.shard-index", Integer.toString(shard))
                    .containsEntry("verdict.participant.advertised-url", "http://agent-" + shard + ":8080")
                    .containsEntry("spring.datasource.url", "jdbc:postgresql://postgres-" + shard + ":5432/postgres");
            assertThat(hosts(agent.get("verdict.participant.coordinator-urls")))
                    .isEqualTo(hosts(gateway.get("verdict.client.coordinator-urls")));
            assertThat(services).containsKey("postgres-" + shard);
        }
    }

    /** The check itself: a setting the bank does not have is caught, not passed over. */
    @Test
    void aSettingThatNoPropertyTakesFailsTheBinding() {
        assertThatThrownBy(() -> bind(Map.of("bank.shard-urlz", "http://agent-0:8080"), "bank", BankProperties.class))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("bank.shard-urlz");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE_FILE));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** The service's {@code --name=value} arguments (its role, the first argument of the bank's, left out). */
    private static Map<String, String> settings(Map<String, Object> service) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Object argument : (List<?>) service.get("command")) {
            String text = argument.toString();
            if (text.startsWith("--")) {
                int equals = text.indexOf('=');
                settings.put(text.substring(2, equals), text.substring(equals + 1));
            }
        }
        return settings;
    }

    private static void bind(Map<String, String> settings, String prefix, Class<?> type) {
        new Binder(new MapConfigurationPropertySource(settings))
                .bind(prefix, Bindable.of(type), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    }

    private static List<String> hosts(String urls) {
        return Stream.of(urls.split(",")).map(url -> URI.create(url).getHost()).toList();
    }
}
