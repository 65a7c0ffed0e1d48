package dev.sockq.daemon;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A binary min-heap that records each item's position in the item itself, so any item can
 * be removed in O(log n) (as beanstalkd's heap.c does). One item may sit in several heaps
 * as long as each heap uses its own {@link Slot}.
 */
final class Heap<T> {
    /** Where an item keeps its index for this heap; -1 means "not in the heap". */
    interface Slot<T> {
        int get(T item);

        void set(T item, int index);
    }

    private final Comparator<? super T> order;
    private final Slot<T> slot;
    private Object[] items = new Object[16];
    private int size;

    Heap(Comparator<? super T> order, Slot<T> slot) {
        this.order = order;
        this.slot = slot;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    T peek() {
        return size == 0 ? null : (T) items[0];
    }

    void add(T item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size] = item;
        slot.set(item, size);
        size++;
        up(size - 1);
    }

    T poll() {
        T top = peek();
        if (top != null) {
            remove(top);
        }
        return top;
    }

    /** Removes the item if it is in this heap; returns whether it was. */
    @SuppressWarnings("unchecked")
    boolean remove(T item) {
        int i = slot.get(item);
        if (i < 0 || i >= size || items[i] != item) {
            return false;
        }
        size--;
        if (i != size) {
            T last = (T) items[size];
            items[i] = last;
            slot.set(last, i);
            items[size] = null;
            down(i);
            up(slot.get(last));
        } else {
            items[size] = null;
        }
        slot.set(item, -1);
        return true;
    }

    @SuppressWarnings("unchecked")
    private void up(int i) {
        T item = (T) items[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            T p = (T) items[parent];
            if (order.compare(item, p) >= 0) {
                break;
            }
            items[i] = p;
            slot.set(p, i);
            i = parent;
        }
        items[i] = item;
        slot.set(item, i);
    }

    @SuppressWarnings("unchecked")
    private void down(int i) {
        T item = (T) items[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            T c = (T) items[child];
            int right = child + 1;
            if (right < size && order.compare((T) items[right], c) < 0) {
                child = right;
                c = (T) items[child];
            }
            if (order.compare(item, c) <= 0) {
                break;
            }
            items[i] = c;
            slot.set(c, i);
            i = child;
        }
        items[i] = item;
        slot.set(item, i);
    }
}
