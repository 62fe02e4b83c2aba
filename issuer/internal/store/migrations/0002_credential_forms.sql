-- Later forms of a credential. A wallet redeeming one offer may collect the
-- same credential (one id, one status index, one validity) in each format:
-- the credentials row holds the form issued first, this table the others.
-- Revocation and suspension act on the credentials row, so on every form.

CREATE TABLE credential_forms (
	credential_id TEXT NOT NULL REFERENCES credentials(id),
	format        TEXT NOT NULL,
	issued_at     INTEGER NOT NULL,
	credential    BLOB NOT NULL,
	PRIMARY KEY (credential_id, format)
);
