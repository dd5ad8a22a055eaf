package dev.depot.release;

import dev.depot.core.DepotException;
import dev.depot.core.PageSize;
import dev.depot.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Installations and what they report: registered on first contact, each reports the steps of an
 * update (offered, downloading, downloaded, installing, installed, failed with a reason). A report
 * moves the installation's standing with the release, counts each step once in the release's
 * funnel, and, when it finishes an install, puts the release to its halt rule, all in one
 * transaction with the release's row locked: so the report that breaches the rule halts the
 * release before it is answered, on any node.
 */
public final class Installations {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    private static final Pattern REPORT_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final long TOUCH_EVERY_MILLIS = 60_000;

    private final InstallationRepository repository;
    private final ReleaseRepository releases;
    private final ReleaseService service;
    private final Clock clock;
    private final int reportsPerMinute;
    private final ConcurrentHashMap<Long, long[]> windows = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public Installations(InstallationRepository repository, ReleaseRepository releases, ReleaseService service,
                         int reportsPerMinute, Clock clock) {
        this.repository = repository;
        this.releases = releases;
        this.service = service;
        this.reportsPerMinute = reportsPerMinute;
        this.clock = clock;
    }

    /** Checks the form of an installation id as a client sends it. */
    public static String checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new DepotException.Invalid("invalid_installation",
                    "An installation id is 1-128 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit.");
        }
        return key;
    }

    /**
     * The installation that made contact, registered now if this is its first; a revoked one is
     * refused. Its last contact is recorded at most once a minute.
     */
    public Installation contact(ReleaseTarget target, String key, String channel) {
        checkKey(key);
        Installation i = repository.find(target, key).orElseGet(() -> repository.register(target, key, channel, clock.millis()));
        if (i.revoked()) {
            throw new DepotException.Forbidden("installation_revoked", "This installation was revoked.");
        }
        long now = clock.millis();
        if (now - i.lastSeenAt() >= TOUCH_EVERY_MILLIS || channel != null && !channel.equals(i.channel())) {
            repository.touch(i.id(), channel, now);
        }
        return i;
    }

    /** The releases this installation failed (not offered to it again until cleared). */
    public Set<Long> failedReleases(Installation i) {
        return repository.failedReleases(i.id());
    }

    /**
     * Hands an installation the token its reports carry, registering it if needed. Once: an
     * installation that has a token keeps it (trust on first use), and asking again is a 409.
     */
    public String claimToken(ReleaseTarget target, String key) {
        Installation i = contact(target, key, null);
        String token = "dpi_" + newSecret();
        if (!repository.claimToken(i.id(), digest(token))) {
            throw new DepotException.Conflict("token_claimed", "This installation already has its token.");
        }
        return token;
    }

    /** Sets an installation's token (the DDI target token an operator hands a device); returns it once. */
    public String issueToken(ReleaseTarget target, String key) {
        Installation i = contact(target, key, null);
        String token = newSecret();
        repository.revokeToken(i.id());
        repository.claimToken(i.id(), digest(token));
        return token;
    }

    /** The installation the token belongs to, or 401. */
    public Installation authenticate(ReleaseTarget target, String key, String token) {
        Installation i = repository.find(target, checkKey(key)).orElseThrow(() ->
                new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.INVALID));
        if (i.revoked()) {
            throw new DepotException.Forbidden("installation_revoked", "This installation was revoked.");
        }
        if (token == null || token.isBlank()) {
            throw new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.MISSING);
        }
        if (!repository.tokenMatches(i.id(), digest(token))) {
            throw new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.INVALID);
        }
        return i;
    }

    /** A report as an installation sends it: the release, the step, and for a failure its reason. */
    public record NewReport(long releaseId, ReportStep step, Integer progress, FailureReason reason, String message,
                            String reportId) {}

    /**
     * Records a report from an authenticated installation. The same report sent again (same id, or
     * without one, same step, progress and reason) changes nothing.
     */
    public Standing report(Installation installation, NewReport report) {
        Release release = service.release(installation.target(), report.releaseId());
        if (report.progress() != null && (report.progress() < 0 || report.progress() > 100)) {
            throw new DepotException.Invalid("invalid_progress", "Progress is a percentage from 0 to 100.");
        }
        if (report.step() == ReportStep.FAILED && report.reason() == null) {
            throw new DepotException.Invalid("missing_reason", "A failure needs its reason.");
        }
        String message = report.message() == null ? "" : report.message().strip();
        if (message.length() > 2000) {
            throw new DepotException.Invalid("invalid_message", "A report's message is at most 2000 characters.");
        }
        String key = report.reportId() != null ? checkReportKey(report.reportId())
                : report.step().wireName() + ":" + (report.progress() == null ? "" : report.progress()) + ":"
                        + (report.reason() == null ? "" : report.reason().wireName());
        throttle(installation.id());
        long now = clock.millis();
        return releases.inTransaction(h -> {
            Release r = releases.lockRelease(h, release.id()).orElseThrow();
            Optional<Standing> before = repository.lockStanding(h, installation.id(), r.id());
            String reason = report.reason() == null ? null : report.reason().wireName();
            if (!repository.insertReport(h, installation.id(), r.id(), key, report.step(), report.progress(), reason, message, now)) {
                return before.orElseGet(() -> new Standing(installation.id(), r.id(), 0, report.step(), report.progress(),
                        reason, false, false, now));
            }
            int steps = before.map(Standing::steps).orElse(0);
            int added = report.step().bit() & ~steps;
            boolean failed = report.step() == ReportStep.FAILED || report.step() != ReportStep.INSTALLED
                    && before.map(Standing::failed).orElse(false);
            Standing after = new Standing(installation.id(), r.id(), steps | report.step().bit(), report.step(),
                    report.progress(), report.step() == ReportStep.FAILED ? reason : before.map(Standing::failureReason).orElse(null),
                    failed, false, now);
            repository.saveStanding(h, after, before.isPresent());
            releases.addToFunnel(h, r.id(), added, 0);
            if (report.step() == ReportStep.FAILED) {
                releases.addFailure(h, r.id(), report.reason(), now / 3_600_000);
            }
            if (added != 0 && report.step().finishes() && r.state().offers()) {
                Funnel f = r.judged();
                Funnel judged = new Funnel(f.offered(), f.downloading(), f.downloaded(), f.installing(),
                        f.installed() + (report.step() == ReportStep.INSTALLED ? 1 : 0),
                        f.failed() + (report.step() == ReportStep.FAILED ? 1 : 0));
                r.haltRule().breach(judged).ifPresent(why -> service.halt(h, r, why));
            }
            return after;
        });
    }

    /** Where the installation stands with a release, if it heard of it. */
    public Optional<Standing> standing(Installation i, long releaseId) {
        return repository.standing(i.id(), releaseId);
    }

    /** The newest release the installation is at and has not finished, if any. */
    public Optional<Standing> unfinished(Installation i) {
        return repository.unfinished(i.id());
    }

    /** The device acknowledged that a release withdrawn while it was at it is cancelled. */
    public void acknowledgeCancel(Installation i, long releaseId) {
        releases.inTransaction(h -> {
            repository.lockStanding(h, i.id(), releaseId).ifPresent(s -> repository.saveStanding(h,
                    new Standing(s.installationId(), s.releaseId(), s.steps(), s.lastStep(), s.progress(), s.failureReason(),
                            s.failed(), true, clock.millis()), true));
            return null;
        });
    }

    /** Puts an installation on a channel (null: its device's or app's default); what it is offered follows. */
    public Installation setChannel(ReleaseTarget target, String key, String channel) {
        Installation i = installation(target, key);
        repository.setChannel(i.id(), channel);
        service.touched();
        return installation(target, key);
    }

    /** Records what a DDI device says of itself (its configData attributes, as JSON). */
    public void setAttributes(Installation i, String json) {
        repository.setAttributes(i.id(), json, clock.millis());
    }

    /** A new gateway token for a device, shown once: it speaks for any of the device's installations. */
    public String issueGatewayToken(ReleaseTarget device) {
        String token = newSecret();
        repository.setGatewayToken(device.deviceId(), digest(token), clock.millis());
        return token;
    }

    /** Whether {@code token} is the device's gateway token. */
    public boolean gatewayTokenMatches(ReleaseTarget device, String token) {
        return token != null && repository.gatewayTokenHash(device.deviceId()).map(digest(token)::equals).orElse(false);
    }

    /** Lets failed installations (one, or all when {@code key} is null) be offered the release again. */
    public int clearFailures(ReleaseTarget target, long releaseId, String key) {
        Release r = service.release(target, releaseId);
        Long installationId = key == null ? null : repository.find(target, checkKey(key))
                .orElseThrow(() -> new DepotException.NotFound("unknown_installation", "There is no such installation.")).id();
        int cleared = releases.inTransaction(h -> {
            releases.lockRelease(h, r.id());
            int n = repository.clearFailures(h, r.id(), installationId);
            releases.insertEvent(h, r.id(), "failures_cleared", n + (key == null ? " installations" : " installation " + key),
                    null, clock.millis());
            return n;
        });
        service.touched();
        return cleared;
    }

    public Installation installation(ReleaseTarget target, String key) {
        return repository.find(target, checkKey(key))
                .orElseThrow(() -> new DepotException.NotFound("unknown_installation", "There is no such installation."));
    }

    /** The target's installations whose id contains {@code search}, a page after {@code afterKey}, by id. */
    public List<Installation> list(ReleaseTarget target, String search, String afterKey, int limit) {
        return repository.list(target, search == null || search.isBlank() ? null : search.strip(), afterKey,
                PageSize.of(limit));
    }

    /** Where the installation stands with its newest releases. */
    public List<Standing> standings(Installation i) {
        return repository.standings(i.id(), PageSize.MAX);
    }

    /** The installation's newest reports (kept for reports.retention). */
    public List<InstallationRepository.Report> reports(Installation i) {
        return repository.reports(i.id(), PageSize.MAX);
    }

    /** Revokes an installation: its token stops working and it is not answered again. */
    public void revoke(ReleaseTarget target, String key) {
        repository.revoke(installation(target, key).id(), clock.millis());
    }

    /** Forgets reports older than {@code retention}; the funnels keep what they counted. */
    public int expireReports(Duration retention) {
        return repository.deleteReportsBefore(clock.millis() - retention.toMillis());
    }

    private void throttle(long installationId) {
        long minute = clock.millis() / 60_000;
        long[] w = windows.compute(installationId, (k, v) -> v == null || v[0] != minute ? new long[] {minute, 1}
                : new long[] {minute, v[1] + 1});
        if (w[1] > reportsPerMinute) {
            throw new DepotException.Throttled(60 - clock.millis() / 1000 % 60);
        }
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> e.getValue()[0] != minute);
        }
    }

    private static String checkReportKey(String key) {
        if (!REPORT_KEY.matcher(key).matches()) {
            throw new DepotException.Invalid("invalid_report_id", "A report id is 1-128 printable ASCII characters.");
        }
        return "id:" + key;
    }

    private String newSecret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String digest(String token) {
        MessageDigest md = Sha256.digest();
        return Sha256.hex(md.digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
