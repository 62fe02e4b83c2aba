-- Counter recovery (lost phone). A replacement credential keeps the validity
-- of the credential it replaces, so a credential's validFrom may be earlier
-- than its issue time (NULL: validFrom is issued_at). An offer can carry the
-- validity its credential must have (NULL: the type's default from the time
-- it is collected), and remembers the recovery that made it: a later
-- recovery replaces an offer that was never collected (replaced = 1 then).
-- A replacement of a suspended credential is suspended too (suspended = 1
-- on its offer until it is collected).

ALTER TABLE credentials ADD COLUMN valid_from INTEGER;
ALTER TABLE offers ADD COLUMN valid_from INTEGER;
ALTER TABLE offers ADD COLUMN valid_until INTEGER;
ALTER TABLE offers ADD COLUMN recovery TEXT;
ALTER TABLE offers ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE offers ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
CREATE INDEX offers_resident ON offers(resident_id);
