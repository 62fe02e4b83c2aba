-- The issuer's first schema. Times are Unix nanoseconds (INTEGER) unless
-- the column says otherwise; audit rows keep their time as RFC 3339 text
-- because the text is what the hash chain covers.

CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

-- Private keys, sealed with the passphrase-derived key (see keystore).
CREATE TABLE keys (
	name    TEXT PRIMARY KEY,
	public  TEXT NOT NULL,
	sealed  BLOB NOT NULL,
	created INTEGER NOT NULL
);

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

CREATE TABLE staff (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'clerk')),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created       INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created    INTEGER NOT NULL,
	expires    INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE residents (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL,
	reference TEXT NOT NULL DEFAULT '',
	created   INTEGER NOT NULL
);
CREATE INDEX residents_reference ON residents(reference);

CREATE TABLE credentials (
	id           TEXT PRIMARY KEY,
	type         TEXT NOT NULL,
	subject      TEXT NOT NULL,
	format       TEXT NOT NULL,
	resident_id  INTEGER REFERENCES residents(id),
	status_index INTEGER NOT NULL UNIQUE,
	state        TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'revoked')),
	issued_at    INTEGER NOT NULL,
	valid_until  INTEGER,
	credential   BLOB NOT NULL,
	claims       TEXT NOT NULL
);
CREATE INDEX credentials_subject ON credentials(subject);
CREATE INDEX credentials_resident ON credentials(resident_id);
CREATE INDEX credentials_issued ON credentials(issued_at);

-- One row per published Bitstring Status List: the bits, a version bumped
-- on every change, and the last signed status list credential.
CREATE TABLE status_lists (
	purpose        TEXT NOT NULL,
	list           INTEGER NOT NULL,
	bits           BLOB NOT NULL,
	version        INTEGER NOT NULL,
	signed         BLOB,
	signed_version INTEGER,
	signed_at      INTEGER,
	PRIMARY KEY (purpose, list)
);

CREATE TABLE offers (
	id            TEXT PRIMARY KEY,
	type          TEXT NOT NULL,
	claims        TEXT NOT NULL,
	resident_id   INTEGER REFERENCES residents(id),
	code_hash     BLOB NOT NULL UNIQUE,
	tx_hash       BLOB NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	state         TEXT NOT NULL CHECK (state IN ('open', 'redeemed', 'burnt', 'withdrawn')),
	created       INTEGER NOT NULL,
	expires       INTEGER NOT NULL,
	token_hash    BLOB UNIQUE,
	token_expires INTEGER
);

CREATE TABLE offer_credentials (
	offer_id      TEXT NOT NULL REFERENCES offers(id),
	format        TEXT NOT NULL,
	credential_id TEXT NOT NULL REFERENCES credentials(id),
	PRIMARY KEY (offer_id, format)
);

CREATE TABLE used_nonces (
	hash    BLOB PRIMARY KEY,
	expires INTEGER NOT NULL
);

CREATE TABLE audit_log (
	seq        INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	actor_kind TEXT NOT NULL,
	actor_name TEXT NOT NULL,
	action     TEXT NOT NULL,
	object     TEXT NOT NULL,
	details    TEXT NOT NULL,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
);

-- The chain head, signed with the root key, so that deleting the newest
-- rows is detected.
CREATE TABLE audit_head (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	seq       INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	signature TEXT NOT NULL
);

CREATE TABLE bundle_state (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	version      INTEGER NOT NULL,
	content_hash TEXT NOT NULL
);

INSERT INTO counters (name, value) VALUES ('status_index', 0);
