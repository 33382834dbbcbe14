package dev.verdict.bank.gateway;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The title of the gateway's OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
@Profile("gateway")
class ApiDocsConfiguration {

    @Bean
    OpenAPI bankOpenApi() {
        return new OpenAPI().info(new Info()
                .title("Verdict bank gateway")
                .description("Transfers between accounts on different PostgreSQL shards, each one global transaction "
                        + "committed through the Verdict coordinator cluster. Errors are RFC 9457 problems with a "
                        + "stable `code`; see docs/bank-app.md.")
                .version("v1"));
    }
}
