package dev.depot.jobs;

/** Runs jobs of one kind. Throwing retries the job later; {@link PermanentJobFailure} gives up at once. */
public interface JobHandler {
    void run(Job job) throws Exception;

    /** Called once when the job will not be tried again, with the last error. */
    default void onGiveUp(Job job, String error) {}
}
