package dev.sockq.net;

import dev.sockq.bus.ShardStats;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Combines the shards' answers to one `stats` or `list-tubes` into the single answer a client expects. */
final class ShardReplies {
    private ShardReplies() {
    }

    /**
     * `stats`: the first shard's document, with every summed key ({@link ShardStats}) added up over
     * all, clients by role counted once each, and the shards' session lines left out.
     */
    static byte[] stats(List<byte[]> parts) {
        String[] first = yaml(parts.get(0)).split("\n");
        Map<String, Long> sums = new HashMap<>();
        ShardStats.Clients clients = new ShardStats.Clients();
        for (byte[] part : parts) {
            for (String line : yaml(part).split("\n")) {
                int colon = line.indexOf(':');
                String key = colon > 0 ? line.substring(0, colon) : "";
                if (ShardStats.shardOnly(key)) {
                    clients.add(key, line.substring(colon + 1));
                } else if (ShardStats.summed(key) && line.startsWith(": ", colon)) {
                    sums.merge(key, parseOrZero(line.substring(colon + 2)), Long::sum);
                }
            }
        }
        StringBuilder sb = new StringBuilder(1024);
        for (String line : first) {
            int colon = line.indexOf(':');
            String key = colon > 0 ? line.substring(0, colon) : "";
            if (ShardStats.shardOnly(key)) {
                continue;
            }
            Long combined = sums.containsKey(key) ? sums.get(key) : clients.count(key);
            sb.append(combined == null ? line : key + ": " + combined).append('\n');
        }
        return data(sb.toString());
    }

    /** `list-tubes`: each tube lives on one shard, so the union is the lists one after the other. */
    static byte[] tubeList(List<byte[]> parts) {
        StringBuilder sb = new StringBuilder("---\n");
        for (byte[] part : parts) {
            String y = yaml(part);
            sb.append(y, y.indexOf('\n') + 1, y.length());
        }
        return data(sb.toString());
    }

    /** An OK reply carrying {@code yaml}. */
    static byte[] data(String yaml) {
        byte[] body = yaml.getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("OK " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + body.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** The YAML document of an OK reply. */
    private static String yaml(byte[] okReply) {
        int start = ReplySplitter.line(okReply).length() + 2;
        return new String(okReply, start, okReply.length - start - 2, StandardCharsets.US_ASCII);
    }

    private static long parseOrZero(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
