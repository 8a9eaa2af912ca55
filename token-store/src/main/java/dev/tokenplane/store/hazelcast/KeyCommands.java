package dev.tokenplane.store.hazelcast;

import dev.tokenplane.store.AcquireCommand;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One key's commands in a batch, in request order, each with its place in the request: the owner writes every result
 * with its place ({@link ResultArrays}), so the caller puts results back without looking anything up by key.
 */
final class KeyCommands {

    private int size;
    private int[] places;
    private AcquireCommand[] commands;

    KeyCommands(int capacity) {
        this.places = new int[capacity];
        this.commands = new AcquireCommand[capacity];
    }

    /** {@code commands} grouped by key, keys in order of first appearance. */
    static Map<String, KeyCommands> byKey(List<AcquireCommand> commands) {
        Map<String, KeyCommands> byKey = new LinkedHashMap<>(commands.size() * 2);
        for (int i = 0; i < commands.size(); i++) {
            AcquireCommand c = commands.get(i);
            byKey.computeIfAbsent(c.key(), k -> new KeyCommands(1)).add(i, c);
        }
        return byKey;
    }

    void add(int place, AcquireCommand command) {
        if (size == places.length) {
            places = Arrays.copyOf(places, size * 2);
            commands = Arrays.copyOf(commands, size * 2);
        }
        places[size] = place;
        commands[size] = command;
        size++;
    }

    int size() {
        return size;
    }

    int place(int i) {
        return places[i];
    }

    AcquireCommand command(int i) {
        return commands[i];
    }
}
