-- Assisted enrolment: caseworkers and shelters an admin has authorised to
-- attest a resident's identity when the resident has no documents. A
-- credential or offer made on an attestation names its attester; the
-- credential's evidence property is built from it.

CREATE TABLE attesters (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE,
	kind     TEXT NOT NULL CHECK (kind IN ('caseworker', 'shelter')),
	disabled INTEGER NOT NULL DEFAULT 0,
	created  INTEGER NOT NULL
);

ALTER TABLE credentials ADD COLUMN attester_id INTEGER REFERENCES attesters(id);
ALTER TABLE offers ADD COLUMN attester_id INTEGER REFERENCES attesters(id);
