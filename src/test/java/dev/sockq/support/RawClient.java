package dev.sockq.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A minimal blocking beanstalkd client over a real socket, for tests: raw bytes in, whole replies out. */
public final class RawClient implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket the test connected itself (e.g. a TLS socket). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** Sends a command and returns its whole reply (line plus data chunk, if any). */
    public String call(String command) throws IOException {
        send(command);
        return reply();
    }

    /** Reads one whole reply: a line, and the data chunk after RESERVED, FOUND and OK lines. */
    public String reply() throws IOException {
        String line = line();
        String[] w = line.trim().split(" ");
        int size = -1;
        if ((w[0].equals("RESERVED") || w[0].equals("FOUND")) && w.length == 3) {
            size = Integer.parseInt(w[2]);
        } else if (w[0].equals("OK") && w.length == 2) {
            size = Integer.parseInt(w[1]);
        }
        if (size < 0) {
            return line;
        }
        return line + new String(exactly(size + 2), StandardCharsets.ISO_8859_1);
    }

    /** One line including its CRLF. */
    public String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed after '" + b + "'");
            }
            b.write(c);
            if (prev == '\r' && c == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            prev = c;
        }
    }

    public byte[] exactly(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True if the server closes the connection (EOF) within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** True if nothing at all arrives within {@code millis} (for replies that must not come yet). */
    public boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            throw new AssertionError("unexpected byte from server: " + (char) c);
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
