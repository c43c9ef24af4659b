package dev.ripple.api;

import dev.ripple.cache.CellState;
import dev.ripple.cache.CellStateCache;
import dev.ripple.flags.Gates;
import dev.ripple.rollout.DesiredGates;
import dev.ripple.topology.Cell;
import dev.ripple.topology.Topology;
import dev.ripple.topology.TopologyService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import dev.ripple.auth.Role;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Path("/api/v1/flags/{name}/desired")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "flags")
@Blocking
@RolesAllowed(Role.Names.VIEWER)
public class DriftResource {
    private final DesiredGates desired;
    private final CellStateCache cache;
    private final TopologyService topology;

    DriftResource(DesiredGates desired, CellStateCache cache, TopologyService topology) {
        this.desired = desired;
        this.cache = cache;
        this.topology = topology;
    }

    public record CellDrift(String cell, int ring, String desired, String observed, boolean drifted,
                            boolean stale, Instant readAt) {
    }

    public record DriftView(String flag, int drifted, List<CellDrift> cells) {
    }

    @GET
    @Operation(summary = "What Ripple last set the flag to on each cell next to what the cell reports; cells changed"
            + " by hand since are flagged as drifted")
    public DriftView get(@PathParam("name") String name) {
        Topology current = topology.current();
        Map<String, Optional<Gates>> wanted = desired.desiredFor(name);
        if (wanted.isEmpty() && current.flag(name).isEmpty()) {
            throw new ApiException(ErrorCode.UNKNOWN_FLAG, "no flag '" + name + "' in rings/ and no rollout of it");
        }
        List<CellDrift> cells = current.cells().stream().map(cell -> drift(cell, name, wanted)).toList();
        return new DriftView(name, (int) cells.stream().filter(CellDrift::drifted).count(), cells);
    }

    private CellDrift drift(Cell cell, String flag, Map<String, Optional<Gates>> wanted) {
        CellState state = cache.getOrNeverRead(cell.id());
        Optional<Gates> observed = Optional.ofNullable(state.flags().get(flag));
        Optional<Gates> want = wanted.get(cell.id());
        boolean drifted = want != null && state.everRead() && !want.equals(observed);
        return new CellDrift(cell.id(), cell.ring(), want == null ? null : Gates.describe(want),
                state.everRead() ? Gates.describe(observed) : null, drifted, state.stale(), state.readAt());
    }
}
