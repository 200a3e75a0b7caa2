package org.smtpdoctor.lab;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Messages the lab accepted, newest last, bounded: when full the oldest is dropped.
 * Thread-safe (sessions add concurrently, tests read).
 */
final class ReceivedMessages {

    private final int capacity;
    private final Deque<String> messages = new ArrayDeque<>();

    ReceivedMessages(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized void add(String message) {
        if (messages.size() == capacity) {
            messages.removeFirst();
        }
        messages.addLast(message);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(messages);
    }
}
