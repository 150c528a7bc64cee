package dev.wsgateway.store;

/** A write based on a snapshot that another writer has replaced meanwhile; read again and redo it. */
public final class StaleRevisionException extends RuntimeException {
    public StaleRevisionException(String collection, long baseRevision) {
        super(collection + " changed since revision " + baseRevision, null, false, false);
    }
}
