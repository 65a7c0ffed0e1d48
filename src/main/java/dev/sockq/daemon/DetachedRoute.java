package dev.sockq.daemon;

/**
 * The route of a detached session: told, after the daemon ran, that the session has replies or
 * jobs to deliver (an event-bus reserve answering its request, a push dispatcher sending jobs).
 */
public interface DetachedRoute {
    void deliver(Session session);
}
