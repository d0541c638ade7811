-- mediagate built-in schema, version 1: for deployments without Django.
-- Applied by `mediagate migrate --config F` inside one transaction.

CREATE TABLE mediagate_users (
  id              bigserial   PRIMARY KEY,
  email           text        NOT NULL UNIQUE,
  -- Never shown to anyone; part of every token, so links cannot be guessed.
  uuid            uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- Bump to invalidate all of one user's links without cancelling anything.
  link_generation integer     NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mediagate_subscriptions (
  user_id            bigint      PRIMARY KEY
                                 REFERENCES mediagate_users (id) ON DELETE CASCADE,
  -- Stripe-style: active, trialing, past_due, canceled, unpaid, ...
  status             text        NOT NULL,
  -- End of the period already paid for; NULL when unknown.
  current_period_end timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mediagate_media (
  id         text        PRIMARY KEY CHECK (id ~ '^[-A-Za-z0-9_]{1,64}$'),
  object_key text        NOT NULL,
  -- Anything that changes when the object's bytes change (ETag, upload time).
  version    text        NOT NULL DEFAULT '1',
  title      text        NOT NULL DEFAULT ''
);
