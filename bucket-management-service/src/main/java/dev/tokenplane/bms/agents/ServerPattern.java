package dev.tokenplane.bms.agents;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The server ids an agent credential may report for: one or more globs where {@code *} stands for any run of
 * characters ({@code web-*}, {@code db-1}); {@code *} alone is every server. Server ids hold no {@code *}
 * ({@link AgentReport#SERVER_ID}), so a glob matches only what its author wrote.
 *
 * <p>Immutable.
 */
public final class ServerPattern {
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._*-]{1,128}");
    /** Every server: what the single {@code BMS_AGENT_TOKEN} and the admin token may report for. */
    public static final ServerPattern ALL = of(List.of("*"));

    private final List<String> globs;
    private final Pattern regex;

    private ServerPattern(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.regex = Pattern.compile(globs.stream().map(ServerPattern::toRegex).collect(Collectors.joining("|")));
    }

    /**
     * @throws IllegalArgumentException when {@code globs} is empty or a glob is not made of server id characters
     *                                  and {@code *}
     */
    public static ServerPattern of(List<String> globs) {
        if (globs.isEmpty()) {
            throw new IllegalArgumentException("servers must name at least one server id or glob");
        }
        for (String g : globs) {
            if (g == null || !GLOB.matcher(g).matches()) {
                throw new IllegalArgumentException("servers must be server ids or globs of [A-Za-z0-9._-] and *");
            }
        }
        return new ServerPattern(globs);
    }

    public boolean matches(String serverId) {
        return regex.matcher(serverId).matches();
    }

    public List<String> globs() {
        return globs;
    }

    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder("(?:");
        int from = 0;
        for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', from)) {
            b.append(Pattern.quote(glob.substring(from, star))).append(".*");
            from = star + 1;
        }
        return b.append(Pattern.quote(glob.substring(from))).append(')').toString();
    }

    @Override
    public String toString() {
        return String.join(",", globs);
    }
}
