package dev.verdict.bank.gateway.demo;

import dev.verdict.bank.BankProperties;
import dev.verdict.bank.gateway.ShardFailure;
import dev.verdict.bank.problem.BankError;
import dev.verdict.bank.problem.BankException;
import dev.verdict.protocol.http.InternalHttpClients;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * In the demo, the page's kill and restart buttons: proxied to the launcher's control API
 * ({@code bank.demo.control-url}). Outside the demo every call is a 404 NOT_IN_DEMO problem.
 */
@RestController
@Profile("gateway")
class DemoControlController {

    private static final Set<String> ACTIONS = Set.of("kill", "restart");

    private final URI controlUrl;
    private final RestClient http;

    DemoControlController(BankProperties bank) {
        this.controlUrl = bank.demo().controlUrl();
        this.http = RestClient.builder()
                // a restart answers once the process is started
                .requestFactory(InternalHttpClients.requestFactory(Duration.ofSeconds(1), Duration.ofSeconds(90)))
                .build();
    }

    @GetMapping("/api/demo/processes")
    ResponseEntity<String> processes() {
        return forward("GET", "/processes");
    }

    @PostMapping("/api/demo/processes/{name}/{action}")
    ResponseEntity<String> control(@PathVariable String name, @PathVariable String action) {
        if (!ACTIONS.contains(action)) {
            throw new BankException(BankError.NOT_FOUND, "no action '" + action + "'; use kill or restart");
        }
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new BankException(BankError.VALIDATION_FAILED, "not a process name: " + name);
        }
        return forward("POST", "/processes/" + name + "/" + action);
    }

    private ResponseEntity<String> forward(String method, String path) {
        if (controlUrl == null) {
            throw new BankException(BankError.NOT_IN_DEMO,
                    "this gateway was not started by the demo launcher (bank.demo.control-url is not set)");
        }
        try {
            return http.method(HttpMethod.valueOf(method))
                    .uri(controlUrl.resolve(path))
                    .exchange((request, response) -> ResponseEntity.status(response.getStatusCode())
                            .contentType(response.getHeaders().getContentType() == null
                                    ? MediaType.APPLICATION_JSON : response.getHeaders().getContentType())
                            .body(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
        } catch (ResourceAccessException e) {
            throw new BankException(BankError.DEMO_CONTROL_UNAVAILABLE,
                    "the demo launcher at " + controlUrl + " does not answer: " + ShardFailure.describe(e.getMostSpecificCause()));
        }
    }
}
