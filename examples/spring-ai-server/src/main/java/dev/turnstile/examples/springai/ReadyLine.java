package dev.turnstile.examples.springai;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prints {@code listening on http://ADDRESS:PORT/mcp} on stdout once the application is ready (the
 * only line on stdout; logs go to stderr), with the port the server got ({@code PORT=0} picks one).
 */
@Component
class ReadyLine implements ApplicationListener<ApplicationReadyEvent> {

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
        String address = env.getProperty("server.address", "127.0.0.1");
        String endpoint = env.getProperty("spring.ai.mcp.server.streamable-http.mcp-endpoint", "/mcp");
        System.out.println("listening on http://" + address + ":" + port + endpoint);
        System.out.flush();
    }
}
