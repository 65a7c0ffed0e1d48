package dev.sockq.daemon;

/**
 * Items in the order they were added, linked through fields of the items themselves, so adding
 * and removing allocate nothing and removal is O(1) (as beanstalkd's own job lists). An item is
 * in at most one list at a time; the daemon's callers know which one (from the job's state, or
 * the wait place's tube).
 */
final class IntrusiveList<T extends IntrusiveList.Node<T>> {
    /** The links an item carries; null when it is in no list (or at an end of one). */
    abstract static class Node<T extends Node<T>> {
        T prev;
        T next;
    }

    private T head;
    private T tail;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The oldest item, or null. */
    T first() {
        return head;
    }

    void add(T item) {
        item.prev = tail;
        item.next = null;
        if (tail == null) {
            head = item;
        } else {
            tail.next = item;
        }
        tail = item;
        size++;
    }

    /** Removes an item that is in this list. */
    void remove(T item) {
        if (item.prev == null) {
            head = item.next;
        } else {
            item.prev.next = item.next;
        }
        if (item.next == null) {
            tail = item.prev;
        } else {
            item.next.prev = item.prev;
        }
        item.prev = null;
        item.next = null;
        size--;
    }
}
