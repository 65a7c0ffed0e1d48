package dev.sockq.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable message object through the local event bus without serializing it.
 * Messages using it must stay inside the JVM (local consumers only).
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
    private final String name;

    public LocalCodec(Class<T> type) {
        this.name = "sockq-local-" + type.getSimpleName();
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException(name + " is local-only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException(name + " is local-only");
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
