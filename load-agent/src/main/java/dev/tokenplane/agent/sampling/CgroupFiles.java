package dev.tokenplane.agent.sampling;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Parsers for the cgroup v2 interface files and for {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}
 * (kernel documentation: admin-guide/cgroup-v2). Pure functions of the files' text.
 */
final class CgroupFiles {

    private CgroupFiles() {}

    /**
     * {@code cpu.max}: {@code "$MAX $PERIOD"}, where {@code $MAX} is {@code max} when there is no quota.
     *
     * @return quota / period in cores, or empty when unlimited or unreadable
     */
    static OptionalDouble cpuMaxCores(String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length < 1 || parts[0].equals("max")) {
            return OptionalDouble.empty();
        }
        try {
            long quota = Long.parseLong(parts[0]);
            long period = parts.length > 1 ? Long.parseLong(parts[1]) : 100_000L;
            return quota > 0 && period > 0 ? OptionalDouble.of((double) quota / period) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * A single-value file such as {@code memory.max} or {@code memory.current}.
     *
     * @return the number, or empty for {@code max} or unreadable text
     */
    static OptionalLong singleValue(String text) {
        String value = text.strip();
        if (value.equals("max")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * A flat keyed file such as {@code cpu.stat} or {@code memory.stat}: one {@code "key value"} per line.
     *
     * @return the numeric entries by key
     */
    static Map<String, Long> flatKeyed(String text) {
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // a non-numeric entry is not one we read
                }
            }
        }
        return values;
    }

    /**
     * The process's cgroup v2 path from {@code /proc/self/cgroup}: the line {@code 0::<path>}.
     *
     * @return the path (e.g. {@code /} or {@code /kubepods/pod1/ctr}), or empty on a v1-only machine
     */
    static Optional<String> unifiedPath(String procSelfCgroup) {
        for (String line : procSelfCgroup.split("\n")) {
            if (line.startsWith("0::")) {
                return Optional.of(line.substring(3).strip());
            }
        }
        return Optional.empty();
    }

    /**
     * The cgroup2 mount from {@code /proc/self/mountinfo}. Fields: id, parent, major:minor, root, mount point,
     * options, optional fields, {@code -}, file system type, source, super options.
     *
     * @return {root, mountPoint} of the first cgroup2 mount, or empty when none is mounted
     */
    static Optional<String[]> cgroup2Mount(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.strip().split(" ");
            int separator = indexOf(fields, "-");
            if (separator > 4 && separator + 1 < fields.length && fields[separator + 1].equals("cgroup2")) {
                return Optional.of(new String[] {unescape(fields[3]), unescape(fields[4])});
            }
        }
        return Optional.empty();
    }

    private static int indexOf(String[] fields, String value) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape: keep the backslash
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
