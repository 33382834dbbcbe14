package dev.verdict.bank;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot application of both server roles; the role is a profile ({@code shard} or {@code gateway}). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BankApplication {

    public static final String SHARD = "shard";
    public static final String GATEWAY = "gateway";

    public static ConfigurableApplicationContext run(String role, String... args) {
        SpringApplication application = new SpringApplication(BankApplication.class);
        application.setAdditionalProfiles(role);
        return application.run(args);
    }
}
