package dev.ripple.testing;

import dev.ripple.sandbox.SandboxFleet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a run of refused requests must leave as it found: how many rollouts, incidents and tokens there are, and every
 * sandbox cell's gates. Equal before and after means nothing changed.
 */
public record Standing(int rollouts, int incidents, int tokens, Map<String, String> gates) {

    public static Standing of(SandboxFleet fleet) {
        return new Standing(count("/api/v1/rollouts?limit=500", "items"),
                count("/api/v1/incidents?all=true&limit=1000", "incidents"), count("/api/v1/tokens", "items"),
                fleet.cells().stream().collect(Collectors.toMap(c -> c.id(), c -> c.flags().toString(), (a, b) -> a,
                        TreeMap::new)));
    }

    private static int count(String path, String list) {
        List<?> items = Tokens.as(Tokens.ADMIN).get(path).then().statusCode(200).extract().path(list);
        return items.size();
    }
}
