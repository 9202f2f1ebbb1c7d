package dev.turnstile.examples.springai;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security in front of Turnstile (its filter chain has order -100, Turnstile's filter comes
 * after it). Open by default; with {@code example.users} ({@code EXAMPLE_USERS=alice:secret,bob:secret})
 * every request but the actuator's needs HTTP Basic, and Turnstile's {@code bind-principal} can key
 * sessions by the user too. Demo users only: passwords in clear, no TLS.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain mcpSecurity(HttpSecurity http, @Value("${example.users:}") String users) throws Exception {
        // MCP clients send JSON with no CSRF token, and no cookie: nothing for CSRF to protect
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (users.isBlank()) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        } else {
            http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/**").permitAll().anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults());
        }
        return http.build();
    }

    /** {@code name:password} pairs, comma-separated; none: no user (and no generated password). */
    @Bean
    InMemoryUserDetailsManager users(@Value("${example.users:}") String users) {
        List<UserDetails> all = new ArrayList<>();
        for (String pair : users.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                all.add(User.withUsername(pair.substring(0, colon).trim())
                        .password("{noop}" + pair.substring(colon + 1).trim()).roles("MCP").build());
            }
        }
        return new InMemoryUserDetailsManager(all);
    }
}
