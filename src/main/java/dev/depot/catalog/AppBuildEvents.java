package dev.depot.catalog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Who follows app builds, and telling them. A listener that fails fails what it was told in. */
public final class AppBuildEvents {
    private final List<Consumer<AppBuildEvent>> listeners = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<AppBuildEvent> listener) {
        listeners.add(listener);
    }

    void publish(AppBuildEvent event) {
        listeners.forEach(l -> l.accept(event));
    }
}
