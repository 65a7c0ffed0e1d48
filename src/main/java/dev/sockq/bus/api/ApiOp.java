package dev.sockq.bus.api;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.Command;
import dev.sockq.bus.Op;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The event-bus API operations: each address, the fields it accepts and how a request becomes
 * a daemon command. Defaults: priority 1024, delay 0, ttr 60 (put); reserve timeout 0;
 * release and bury keep the job's priority unless one is given.
 */
public enum ApiOp {
    PUT(Addresses.PUT, Set.of("tube", "body", "encoding", "priority", "delay", "ttr"), (f, max) -> {
        String tube = f.tube("tube");
        byte[] body = f.body(max);
        long pri = f.integer("priority", Fields.U32_MAX, ApiOp.DEFAULT_PRIORITY);
        long delay = f.integer("delay", Fields.U32_MAX, 0);
        long ttr = f.integer("ttr", Fields.U32_MAX, ApiOp.DEFAULT_TTR);
        return new ApiCall(ApiCall.Kind.PUT, Command.put(pri, delay * 1000, ttr * 1000, body), tube, List.of(), 0);
    }),
    RESERVE(Addresses.RESERVE, Set.of("tubes", "timeout"), (f, max) -> new ApiCall(ApiCall.Kind.RESERVE, null, null,
            f.tubes("tubes"), f.integer("timeout", Fields.U32_MAX, 0))),
    DELETE(Addresses.DELETE, Set.of("id"), (f, max) -> ApiCall.run(Command.withId(Op.DELETE, f.id()))),
    RELEASE(Addresses.RELEASE, Set.of("id", "priority", "delay"), (f, max) -> ApiCall.run(Command.release(f.id(),
            f.integer("priority", Fields.U32_MAX, ApiOp.KEEP_PRIORITY), f.integer("delay", Fields.U32_MAX, 0) * 1000))),
    BURY(Addresses.BURY, Set.of("id", "priority"), (f, max) -> ApiCall.run(Command.bury(f.id(),
            f.integer("priority", Fields.U32_MAX, ApiOp.KEEP_PRIORITY)))),
    TOUCH(Addresses.TOUCH, Set.of("id"), (f, max) -> ApiCall.run(Command.withId(Op.TOUCH, f.id()))),
    /** {id}: kick-job; {tube, bound?}: kick up to bound (default 1) buried, else delayed, jobs of the tube. */
    KICK(Addresses.KICK, Set.of("id", "tube", "bound"), (f, max) -> {
        if (f.has("id")) {
            onlyOneOf(f, "tube");
            onlyOneOf(f, "bound");
            return ApiCall.run(Command.withId(Op.KICK_JOB, f.id()));
        }
        return ApiCall.runOn(f.tube("tube"), Command.withCount(Op.KICK, f.integer("bound", Fields.U32_MAX, 1)));
    }),
    /** {id}: peek; {tube, state}: peek-ready / peek-delayed / peek-buried. */
    PEEK(Addresses.PEEK, Set.of("id", "tube", "state"), (f, max) -> {
        if (f.has("id")) {
            onlyOneOf(f, "tube");
            onlyOneOf(f, "state");
            return ApiCall.run(Command.withId(Op.PEEK, f.id()));
        }
        String tube = f.tube("tube");
        Op op = switch (f.string("state", "ready")) {
            case "ready" -> Op.PEEK_READY;
            case "delayed" -> Op.PEEK_DELAYED;
            case "buried" -> Op.PEEK_BURIED;
            default -> throw ApiFailure.badFormat("state must be ready, delayed or buried");
        };
        return ApiCall.runOn(tube, Command.simple(op));
    }),
    /** {}: server stats; {tube}: stats-tube; {id}: stats-job. */
    STATS(Addresses.STATS, Set.of("tube", "id"), (f, max) -> {
        if (f.has("tube")) {
            onlyOneOf(f, "id");
            return ApiCall.run(Command.withTube(Op.STATS_TUBE, f.tube("tube")));
        }
        return ApiCall.run(f.has("id") ? Command.withId(Op.STATS_JOB, f.id()) : Command.simple(Op.STATS));
    });

    static final long DEFAULT_PRIORITY = 1024;
    static final long DEFAULT_TTR = 60;
    /** A negative priority tells the daemon to keep the job's own. */
    static final long KEEP_PRIORITY = -1;

    public final String address;
    private final Set<String> fields;
    private final BiFunction<Fields, Long, ApiCall> parse;

    ApiOp(String address, Set<String> fields, BiFunction<Fields, Long, ApiCall> parse) {
        this.address = address;
        this.fields = fields;
        this.parse = parse;
    }

    /** Checks a request body; throws {@link ApiFailure} (BAD_FORMAT, JOB_TOO_BIG) when it is wrong. */
    public ApiCall parse(Object body, long maxJobSize) {
        return parse.apply(Fields.of(body, fields), maxJobSize);
    }

    private static void onlyOneOf(Fields f, String other) {
        if (f.has(other)) {
            throw ApiFailure.badFormat("give id or " + other + ", not both");
        }
    }
}
