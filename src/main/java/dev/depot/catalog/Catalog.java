package dev.depot.catalog;

/**
 * The app side of Depot, as the surfaces reach it: organizations and their members, apps, and app
 * builds, with the events the features that follow builds subscribe to.
 */
public record Catalog(OrganizationService organizations, AppService apps, AppBuildService builds, AppBuildEvents events) {}
