-- ws-gateway cluster mode: the state several gateway instances share.

-- One row per collection (routes, api-keys, basic-users, revocations): the revision every write advances,
-- so a writer working from an old snapshot is refused.
CREATE TABLE gw_collection (
    name     text PRIMARY KEY,
    revision bigint NOT NULL
);

-- The records of every collection, one JSON document each (secrets only as hashes).
CREATE TABLE gw_record (
    collection text  NOT NULL REFERENCES gw_collection (name),
    id         text  NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (collection, id)
);

-- The record of what happened (a collection changed, a session is to be closed); NOTIFY only wakes the
-- instances up, they read from here, so one that missed a notification catches up.
CREATE TABLE gw_event (
    id      bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    origin  text        NOT NULL,
    kind    text        NOT NULL,
    subject text        NOT NULL,
    detail  jsonb
);
CREATE INDEX gw_event_at ON gw_event (at);

-- Live gateway instances, with a heartbeat and the sessions each one relays (for the admin API).
CREATE TABLE gw_instance (
    id         text        PRIMARY KEY,
    started_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    sessions   jsonb       NOT NULL DEFAULT '[]'
);

-- Connection slots of the rateLimit caps, per instance; an instance that dies takes its slots with it.
CREATE TABLE gw_slot (
    instance text NOT NULL REFERENCES gw_instance (id) ON DELETE CASCADE,
    slot_id  text NOT NULL,
    route    text NOT NULL,
    identity text NOT NULL,
    PRIMARY KEY (instance, slot_id)
);
CREATE INDEX gw_slot_route_identity ON gw_slot (route, identity);

-- Bucket4j's token buckets (PostgreSQLSelectForUpdateBasedProxyManager); expires_at in epoch milliseconds.
CREATE TABLE gw_bucket (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);
CREATE INDEX gw_bucket_expires_at ON gw_bucket (expires_at);
