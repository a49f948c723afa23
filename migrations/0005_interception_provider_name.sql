-- Version 4 → 5: interceptions carry the configured provider's name beside the provider type
-- (Coder's `provider_name`, in its types since v2.32.0). Older rows name their provider type,
-- as Coder's own backfill does.
ALTER TABLE aibridge_interceptions ADD COLUMN provider_name TEXT NOT NULL DEFAULT '';
UPDATE aibridge_interceptions SET provider_name = provider;
