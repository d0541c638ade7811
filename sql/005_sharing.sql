-- mediagate built-in schema, version 5: sharing detection (src/audience/).
-- `mediagate ingest` flags a subscriber whose links are used from more
-- networks or user agents within 24 h than [sharing] allows, and acts as
-- configured: log (a flag row), rotate (bump link_generation) or suspend
-- (a suspension row: every decision for that subscriber is `shared`, 403,
-- until `mediagate sharing --clear` removes it).

CREATE TABLE mediagate_sharing_flags (
  id          bigserial   PRIMARY KEY,
  -- The opaque reference nginx logs (X-Mediagate-User).
  user_ref    text        NOT NULL,
  -- The subscriber's email, when the reference was resolved (needed for
  -- rotate and suspend); NULL otherwise.
  email       text,
  flagged_at  timestamptz NOT NULL DEFAULT now(),
  -- Distinct networks (/24 IPv4, /64 IPv6) and user agents seen for this
  -- subscriber in the 24 h before flagged_at.
  networks    integer     NOT NULL CHECK (networks >= 0),
  user_agents integer     NOT NULL CHECK (user_agents >= 0),
  action      text        NOT NULL CHECK (action IN ('log', 'rotate', 'suspend')),
  -- Set by `mediagate sharing --clear`; NULL while the flag stands.
  cleared_at  timestamptz
);
CREATE INDEX mediagate_sharing_flags_open ON mediagate_sharing_flags (user_ref)
  WHERE cleared_at IS NULL;

CREATE TABLE mediagate_suspensions (
  email  text        PRIMARY KEY,
  reason text        NOT NULL DEFAULT 'shared' CHECK (reason IN ('shared')),
  since  timestamptz NOT NULL DEFAULT now()
);
