-- Access: the optional TOTP second factor (RFC 6238). The secrets are
-- sealed (AES-256-GCM) with a key derived from the identifier master key.

ALTER TABLE users ADD COLUMN totp_secret BLOB;   -- the active secret, sealed; NULL without a second factor
ALTER TABLE users ADD COLUMN totp_pending BLOB;  -- a secret being enrolled, sealed, until a code confirms it
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;  -- the last time step used: a code is good once
