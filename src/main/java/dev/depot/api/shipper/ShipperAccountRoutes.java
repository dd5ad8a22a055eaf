package dev.depot.api.shipper;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.ClientAddress;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.auth.Scope;
import dev.depot.core.DepotException;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * shipper's maintainer endpoints besides uploads, as shippy calls them: login, the token check,
 * the file-name pattern, the duplicate check and enabling builds.
 */
public final class ShipperAccountRoutes {
    private final AuthService auth;
    private final ClientAddress clients;
    private final Ota ota;

    public ShipperAccountRoutes(AuthService auth, Ota ota, ClientAddress clients) {
        this.auth = auth;
        this.ota = ota;
        this.clients = clients;
    }

    public void register(Routes all) {
        Routes routes = all.on(ShipperErrors.MAINTAINER, "/api/");
        for (String v : List.of("/api/v1", "/api/latest")) {
            String m = v + "/maintainers";
            routes.post(m + "/login", Access.PUBLIC, this::login);
            routes.get(m + "/token_check", Access.READ, this::tokenCheck);
            routes.get(m + "/upload_filename_regex_pattern", Access.READ, this::pattern);
            routes.post(m + "/build/duplicate_check", Access.READ, this::duplicateCheck);
            routes.post(m + "/build/enabled_status_modify", Access.PUBLISH, this::enabledStatus);
        }
    }

    private void login(Context ctx) {
        Params p = Params.of(ctx);
        String username = p.get("username").orElse("");
        String password = p.get("password").orElse("");
        if (username.isBlank() || password.isBlank()) {
            throw new DepotException.Invalid("blank_username_or_password", "Username or password cannot be blank!");
        }
        IssuedToken token = auth.login(username, password, clients.of(ctx), EnumSet.of(Scope.READ, Scope.UPLOAD, Scope.PUBLISH))
                .orElseThrow(() -> new DepotException.NotFound("invalid_credential", "Invalid credentials. Please try again."));
        ctx.json(Map.of("token", token.secret(), "message", "Successfully logged in!"));
    }

    private void tokenCheck(Context ctx) {
        ctx.json(Map.of("username", Authenticator.principal(ctx).username()));
    }

    private void pattern(Context ctx) {
        ctx.json(Map.of("pattern", ota.buildNames().fileNamePattern().python()));
    }

    private void duplicateCheck(Context ctx) {
        String fileName = Params.of(ctx).require("file_name");
        ctx.json(Map.of("exists", ota.builds().buildByFileName(fileName).isPresent()));
    }

    private void enabledStatus(Context ctx) {
        Params p = Params.of(ctx);
        String id = p.get("build_id").orElse(null);
        String enable = p.get("enable").orElse(null);
        if (id == null || id.isBlank() || enable == null || enable.isBlank()) {
            throw new DepotException.Invalid("missing_parameters",
                    "One or more of the required parameters is blank! Required parameters: build ID, enabled flag");
        }
        long buildId = Params.id(id).orElseThrow(() ->
                new DepotException.Invalid("invalid_parameters", "The specified build ID is invalid."));
        boolean on = enable.trim().equalsIgnoreCase("true");
        OtaBuild b = ota.builds().setBuildEnabled(Authenticator.principal(ctx), buildId, on);
        ctx.json(Map.of("message", b.enabled() ? "Successfully enabled the build!" : "Successfully disabled the build!"));
    }
}
