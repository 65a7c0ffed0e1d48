package dev.sockq.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Layers the configuration with vertx-config: defaults &lt; JSON file &lt; SOCKQ_* environment
 * &lt; command line.
 */
public final class ConfigLoader {
    /** Read when present and no --config is given. */
    public static final String DEFAULT_FILE = "conf/config.json";

    private ConfigLoader() {
    }

    /**
     * @param file      the --config file, or null for {@link #DEFAULT_FILE} if it exists
     * @param cli       options given on the command line, keyed like the config file
     */
    public static Future<SockqConfig> load(Vertx vertx, String file, JsonObject cli) {
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
        String path = file != null ? file : (Files.exists(Path.of(DEFAULT_FILE)) ? DEFAULT_FILE : null);
        if (file != null && !Files.isReadable(Path.of(file))) {
            return Future.failedFuture(new IllegalArgumentException("cannot read config file " + file));
        }
        if (path != null) {
            options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
                    .setConfig(new JsonObject().put("path", path)));
        }
        options.addStore(new ConfigStoreOptions().setType("env"));
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig()
                .transform(ar -> {
                    retriever.close();
                    if (ar.failed()) {
                        return Future.failedFuture(new IllegalArgumentException(
                                "bad config" + (path != null ? " in " + path : "") + ": " + ar.cause().getMessage()));
                    }
                    return Future.succeededFuture(ar.result());
                })
                .map(merged -> SockqConfig.from(layer(merged, cli)));
    }

    /** File keys, then SOCKQ_* variables mapped onto them, then the command line. */
    static JsonObject layer(JsonObject merged, JsonObject cli) {
        JsonObject result = new JsonObject();
        for (SockqConfig.Key k : SockqConfig.Key.values()) {
            Object v = merged.getValue(k.json);
            Object env = merged.getValue(k.env());
            if (env != null && !String.valueOf(env).isEmpty()) {
                v = env;
            }
            if (cli.getValue(k.json) != null) {
                v = cli.getValue(k.json);
            }
            if (v != null) {
                result.put(k.json, v);
            }
        }
        return result;
    }
}
