package dev.depot.release;

/** Controlled releases: channels and releases ({@link ReleaseService}), installations and their reports ({@link Installations}), what phones checking for a ROM or app update are offered ({@link RomOffers}, {@link AppOffers}), devices speaking hawkBit's DDI ({@link DdiControllers}). */
public record Releases(ReleaseService service, Installations installations, RomOffers roms, AppOffers apps,
                       DdiControllers ddi, ReleaseMetrics metrics) {}
