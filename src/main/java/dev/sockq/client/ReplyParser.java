package dev.sockq.client;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;

/** Frames a beanstalkd reply stream: CRLF lines, plus the data chunk after RESERVED, FOUND and OK lines. */
public final class ReplyParser implements Handler<Buffer> {
    private final RecordParser records = RecordParser.newDelimited("\r\n");
    private final Handler<Reply> replies;
    private final Handler<String> protocolError;
    /** The header line while its data chunk is still arriving; null in line mode. */
    private String header;
    private boolean broken;

    /** {@code protocolError} gets a description once; after it nothing more is parsed (the stream is lost). */
    public ReplyParser(Handler<Reply> replies, Handler<String> protocolError) {
        this.replies = replies;
        this.protocolError = protocolError;
        records.handler(this::record);
    }

    @Override
    public void handle(Buffer chunk) {
        if (!broken) {
            records.handle(chunk);
        }
    }

    private void record(Buffer record) {
        if (broken) {
            return;
        }
        if (header == null) {
            String line = record.toString(StandardCharsets.ISO_8859_1);
            int size = dataSize(line);
            if (size == -1) {
                replies.handle(new Reply(line, null));
            } else if (size < 0) {
                fail("bad data size in reply '" + line + "'");
            } else {
                header = line;
                records.fixedSizeMode(size + 2);
            }
            return;
        }
        int n = record.length() - 2;
        if (record.getByte(n) != '\r' || record.getByte(n + 1) != '\n') {
            fail("data chunk of '" + header + "' not followed by CRLF");
            return;
        }
        String line = header;
        header = null;
        records.delimitedMode("\r\n");
        replies.handle(new Reply(line, record.getBytes(0, n)));
    }

    /** The data size a reply line announces, -1 if it has no data chunk, -2 if the size is unreadable. */
    static int dataSize(String line) {
        String[] w = line.split(" ");
        boolean hasData = (w.length == 3 && (w[0].equals("RESERVED") || w[0].equals("FOUND")))
                || (w.length == 2 && w[0].equals("OK"));
        if (!hasData) {
            return -1;
        }
        try {
            int size = Integer.parseInt(w[w.length - 1]);
            return size >= 0 && size < Integer.MAX_VALUE - 2 ? size : -2;
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private void fail(String message) {
        broken = true;
        protocolError.handle(message);
    }
}
