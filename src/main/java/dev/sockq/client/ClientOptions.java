package dev.sockq.client;

import java.time.Duration;
import java.util.Objects;

/** Where a {@link BeanstalkClient} connects, and how hard it tries to re-open a connection that closed. */
public record ClientOptions(String host, int port, int reconnectAttempts, Duration reconnectInterval) {
    public static final int DEFAULT_PORT = 11300;

    public ClientOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reconnectInterval, "reconnectInterval");
        if (port < 0 || port > 65535 || reconnectAttempts < 0 || reconnectInterval.isNegative()) {
            throw new IllegalArgumentException("bad client options: " + port + ", " + reconnectAttempts + ", "
                    + reconnectInterval);
        }
    }

    /** A client whose connection, once closed, stays closed: every later command fails. */
    public static ClientOptions of(String host, int port) {
        return new ClientOptions(host, port, 0, Duration.ofMillis(200));
    }

    /** Re-open a closed connection on the next command, trying up to {@code attempts} times. */
    public ClientOptions withReconnect(int attempts, Duration interval) {
        return new ClientOptions(host, port, attempts, interval);
    }
}
