package dev.wsgateway.policy.message;

/**
 * Where message-policy verdicts are counted (the metrics): one counter per route, policy type, flow and verdict
 * ({@code forward}, {@code drop}, {@code replace}, {@code close}, {@code error}). Asked once per combination, the
 * first time it happens, so a route whose policies never run registers nothing.
 */
@FunctionalInterface
public interface VerdictCounters {
    /** Counts nothing. */
    VerdictCounters NONE = (routeId, policyType, flow, verdict) -> () -> { };

    /** The counter to increment for this combination. */
    Runnable counter(String routeId, String policyType, Flow flow, String verdict);
}
