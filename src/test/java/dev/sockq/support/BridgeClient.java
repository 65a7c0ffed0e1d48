package dev.sockq.support;

import io.vertx.core.json.JsonObject;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client of the TCP event-bus bridge on a plain socket, as a non-JVM service would write it:
 * each frame is a 4-byte big-endian length, then that many bytes of JSON.
 */
public final class BridgeClient implements Closeable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    public BridgeClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    public void write(JsonObject frame) throws IOException {
        byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }

    public JsonObject read() throws IOException {
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        return new JsonObject(new String(json, StandardCharsets.UTF_8));
    }

    /** A request: `send` with a reply address; returns the frame that answers it (message or err). */
    public JsonObject request(String address, JsonObject body) throws IOException {
        String replyAddress = "reply-" + System.nanoTime();
        write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
                .put("body", body));
        return read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
