package io.pulsarwasm.cli;

import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import picocli.CommandLine.Option;

/** Where Pulsar is, and how to sign in: named as {@code pulsar-admin} and {@code pulsar-client} name them. */
final class PulsarOptions {

    @Option(
            names = "--admin-url",
            paramLabel = "<url>",
            description = "Pulsar's admin service (default: $PULSAR_ADMIN_URL, else http://localhost:8080)")
    String adminUrl;

    @Option(
            names = "--service-url",
            paramLabel = "<url>",
            description = "Pulsar's broker service, for reading topics (default: $PULSAR_SERVICE_URL, else "
                    + "pulsar://localhost:6650)")
    String serviceUrl;

    @Option(
            names = "--auth-plugin",
            paramLabel = "<class>",
            description = "an authentication plugin class, as pulsar-admin takes it")
    String authPlugin;

    @Option(names = "--auth-params", paramLabel = "<params>", description = "the authentication plugin's parameters")
    String authParams;

    /** @return the admin service's URL */
    String adminUrl() {
        return first(adminUrl, System.getenv("PULSAR_ADMIN_URL"), "http://localhost:8080");
    }

    /** @return the broker service's URL */
    String serviceUrl() {
        return first(serviceUrl, System.getenv("PULSAR_SERVICE_URL"), "pulsar://localhost:6650");
    }

    /** @return an admin client; requests time out after 60 s */
    PulsarAdmin admin() {
        try {
            var builder = PulsarAdmin.builder()
                    .serviceHttpUrl(adminUrl())
                    .connectionTimeout(10, TimeUnit.SECONDS)
                    .requestTimeout(60, TimeUnit.SECONDS);
            if (authPlugin != null) {
                builder.authentication(authPlugin, authParams);
            }
            return builder.build();
        } catch (PulsarClientException | RuntimeException e) {
            throw CliException.pulsar("cannot make an admin client for " + adminUrl() + ": " + e.getMessage(), e);
        }
    }

    /** @return a client for reading topics */
    PulsarClient client() {
        try {
            var builder = PulsarClient.builder()
                    .serviceUrl(serviceUrl())
                    .connectionTimeout(10, TimeUnit.SECONDS)
                    .operationTimeout(30, TimeUnit.SECONDS);
            if (authPlugin != null) {
                builder.authentication(authPlugin, authParams);
            }
            return builder.build();
        } catch (PulsarClientException | RuntimeException e) {
            throw CliException.pulsar("cannot make a client for " + serviceUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param what the request, e.g. "create the function public/default/shout"
     * @param e what the admin client threw
     * @return the failure to report: unreachable, not found, or Pulsar's answer
     */
    CliException failure(String what, Exception e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof ConnectException) {
                return CliException.pulsar(
                        "cannot " + what + ": Pulsar's admin service at " + adminUrl() + " is unreachable ("
                                + cause.getMessage() + "); set --admin-url or PULSAR_ADMIN_URL",
                        e);
            }
            cause = cause.getCause();
        }
        if (e instanceof PulsarAdminException admin) {
            String answer = admin.getHttpError() != null ? admin.getHttpError() : admin.getMessage();
            return CliException.pulsar(
                    "cannot " + what + ": Pulsar answered "
                            + (admin.getStatusCode() > 0 ? admin.getStatusCode() + " " : "") + answer,
                    e);
        }
        return CliException.pulsar("cannot " + what + ": " + e, e);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalStateException("no default");
    }
}
