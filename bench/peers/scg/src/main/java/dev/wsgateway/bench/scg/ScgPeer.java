package dev.wsgateway.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Cloud Gateway with the one route of application.yml, and nothing else. */
@SpringBootApplication
public class ScgPeer {
    public static void main(String[] args) {
        SpringApplication.run(ScgPeer.class, args);
    }
}
