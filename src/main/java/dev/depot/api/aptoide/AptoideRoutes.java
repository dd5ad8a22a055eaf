package dev.depot.api.aptoide;

import dev.depot.api.Access;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.core.DepotException;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryService;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Aptoide's repository update check (seed 001): for each repository and the state hash a client
 * holds, whether it changed, and by how much ({@code added}/{@code removed} when Depot issued that
 * hash, {@code appscount} when not). Errors answer {@code status FAIL} with an {@code errors} list;
 * HTTP status stays 200 as in Aptoide's web services.
 */
public final class AptoideRoutes {
    static final int MAX_REPOSITORIES = 100;
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private final RepositoryService repositories;

    public AptoideRoutes(RepositoryService repositories) {
        this.repositories = repositories;
    }

    public void register(Routes routes) {
        String base = "/webservices/listRepositoryChange";
        routes.get(base, Access.PUBLIC, this::query);
        routes.post(base, Access.PUBLIC, this::query);
        routes.get(base + "/{repos}/{hashes}", Access.PUBLIC, this::path);
        routes.get(base + "/{repos}/{hashes}/{mode}", Access.PUBLIC, this::path);
        routes.post(base + "/{repos}/{hashes}/{mode}", Access.PUBLIC, this::path);
    }

    private void query(Context ctx) {
        Params p = Params.of(ctx);
        answer(ctx, p.get("repo").orElse(null), p.get("hash").orElse(null), p.get("mode").orElse(null),
                p.get("offset").orElse(null));
    }

    private void path(Context ctx) {
        String mode = ctx.pathParamMap().get("mode");
        answer(ctx, ctx.pathParam("repos"), ctx.pathParam("hashes"), mode, ctx.queryParam("offset"));
    }

    private void answer(Context ctx, String repoArg, String hashArg, String modeArg, String offsetArg) {
        String mode = modeArg == null || modeArg.isBlank() ? "json" : modeArg.trim().toLowerCase(Locale.ROOT);
        boolean xml = mode.equals("xml");
        List<String> errors = new ArrayList<>();
        if (!mode.equals("json") && !mode.equals("xml")) {
            errors.add("Unknown mode '" + modeArg + "': use json or xml");
        }
        if (repoArg == null || repoArg.isBlank()) {
            errors.add("Missing argument: repo");
        }
        if (hashArg == null || hashArg.isBlank()) {
            errors.add("Missing argument: hash");
        }
        int offset = 0;
        if (offsetArg != null && !offsetArg.isBlank()) {
            try {
                offset = Integer.parseInt(offsetArg.trim());
                if (offset < 0) {
                    errors.add("Invalid offset: it cannot be negative");
                }
            } catch (NumberFormatException e) {
                errors.add("Invalid offset: '" + offsetArg + "' is not a whole number");
            }
        }
        List<Map<String, Object>> listing = new ArrayList<>();
        if (errors.isEmpty()) {
            String[] repos = repoArg.split(",", -1);
            String[] hashes = hashArg.split(",", -1);
            if (repos.length > MAX_REPOSITORIES) {
                errors.add("Too many repositories: at most " + MAX_REPOSITORIES + " per request");
            } else if (repos.length != hashes.length) {
                errors.add("The number of hashes (" + hashes.length + ") does not match the number of repositories ("
                        + repos.length + ")");
            } else {
                for (int i = 0; i < repos.length; i++) {
                    String name = repos[i].trim();
                    String hash = hashes[i].trim().toLowerCase(Locale.ROOT);
                    if (!RepositoryService.isValidName(name) || !exists(name)) {
                        errors.add("Unknown repository: " + name);
                        continue;
                    }
                    if (!HASH.matcher(hash).matches()) {
                        errors.add("Invalid hash for repository " + name + ": expected 64 hexadecimal characters");
                        continue;
                    }
                    listing.add(entry(repositories.require(name), hash));
                }
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (!errors.isEmpty()) {
            body.put("status", "FAIL");
            body.put("errors", errors);
        } else {
            body.put("status", "OK");
            body.put("listing", offset >= listing.size() ? List.of() : listing.subList(offset, listing.size()));
        }
        if (xml) {
            ctx.contentType("application/xml; charset=utf-8").result(AptoideXml.render(body));
        } else {
            ctx.json(body);
        }
    }

    private boolean exists(String name) {
        try {
            repositories.require(name);
            return true;
        } catch (DepotException.NotFound e) {
            return false;
        }
    }

    private Map<String, Object> entry(Repository repo, String hash) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("repo", repo.name());
        switch (repositories.check(repo, hash)) {
            case RepositoryService.Check.UpToDate u -> e.put("hasupdates", "FALSE");
            case RepositoryService.Check.Changed c -> {
                e.put("hasupdates", "TRUE");
                e.put("added", c.added());
                e.put("removed", c.removed());
            }
            case RepositoryService.Check.Unknown u -> {
                e.put("hasupdates", "TRUE");
                e.put("appscount", u.appsCount());
            }
        }
        return e;
    }
}
