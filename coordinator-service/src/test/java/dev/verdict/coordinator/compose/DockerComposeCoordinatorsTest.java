package dev.verdict.coordinator.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.coordinator.cluster.CoordinatorProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The docker-compose demo is not run by the build (no Docker engine where it is built), so this test keeps its
 * coordinator nodes true to the code: their settings bind to {@link CoordinatorProperties}, they form one group
 * (the same peers, each node at its own service's name), each keeps its log on its volume, and each reads the
 * declaration key from where the key volume is mounted. The bank's services: {@code DockerComposeBankServicesTest}.
 */
class DockerComposeCoordinatorsTest {

    @Test
    void theThreeNodesFormOneGroupWithTheirLogsOnTheirVolumes() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>)
                new Yaml().<Map<String, Object>>load(Files.readString(Path.of("..", "docker-compose.yml"))).get("services");
        List<String> nodes = List.of("coordinator-1", "coordinator-2", "coordinator-3");

        for (int i = 0; i < nodes.size(); i++) {
            Map<String, Object> service = services.get(nodes.get(i));
            Map<String, String> settings = ((List<?>) service.get("command")).stream().map(Object::toString)
                    .map(argument -> argument.substring(2).split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
            CoordinatorProperties node = new Binder(new MapConfigurationPropertySource(settings))
                    .bind("verdict.coordinator", Bindable.of(CoordinatorProperties.class),
                            new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
                    .get();
            List<String> volumes = ((List<?>) service.get("volumes")).stream().map(Object::toString).toList();

            assertThat(settings.keySet()).allMatch(name -> name.startsWith("verdict.coordinator."));
            assertThat(node.nodeId()).isEqualTo("n" + (i + 1));
            assertThat(node.peers()).containsExactly(
                    "n1=coordinator-1:9870", "n2=coordinator-2:9870", "n3=coordinator-3:9870");
            assertThat(node.dataDir()).startsWithRaw(Path.of("/var/lib/verdict"));
            assertThat(volumes).contains(nodes.get(i) + ":/var/lib/verdict", "secrets:/etc/verdict/secrets:ro");
            assertThat(((Map<?, ?>) service.get("environment")).get("SPRING_CONFIG_IMPORT"))
                    .isEqualTo("optional:configtree:/etc/verdict/secrets/");
        }
    }
}
