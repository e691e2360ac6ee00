package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// migration is one named, ordered schema step. Steps are recorded in
// schema_migrations and never edited once released: a change is a new step.
type migration struct {
	name string
	sql  string
}

// migrationFills run after the step of their name, in its transaction: for
// data only Go can compute (folded words, sort keys).
var migrationFills = map[string]func(ctx context.Context, tx *sql.Tx) error{
	"0015_member_keys":      fillMemberKeys,
	"0024_member_name_keys": fillNameKeys,
}

var migrations = []migration{
	{"0001_units", `
CREATE TABLE units (
	id          TEXT PRIMARY KEY,
	parent_id   TEXT,
	level       TEXT NOT NULL,
	name        TEXT NOT NULL,
	code        TEXT NOT NULL,
	path        TEXT NOT NULL, -- '/root/…/id/': ancestors then self
	status      TEXT NOT NULL,
	merged_into TEXT,
	version     INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX units_parent_code ON units(parent_id, code);
CREATE UNIQUE INDEX units_single_root ON units(level) WHERE parent_id IS NULL;
CREATE INDEX units_path ON units(path);
`},
	{"0002_users", `
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	grants        TEXT NOT NULL, -- JSON [{role, unitId, unitPath}]
	version       INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;
-- one row per unit on the path of each grant: "users with a grant below X"
-- is then one indexed lookup on unit_id.
CREATE TABLE user_grant_units (
	unit_id TEXT NOT NULL,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (unit_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_grant_units_user ON user_grant_units(user_id);
`},
	{"0003_tokens", `
CREATE TABLE refresh_tokens (
	id         TEXT PRIMARY KEY,
	family_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used       INTEGER NOT NULL DEFAULT 0,
	revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE TABLE signing_keys (
	id          TEXT PRIMARY KEY,
	algorithm   TEXT NOT NULL,
	private_key BLOB NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
`},
	{"0004_members", `
CREATE TABLE members (
	id                 TEXT NOT NULL UNIQUE,
	branch_id          TEXT NOT NULL,
	path               TEXT NOT NULL, -- the branch's '/root/…/branch/'
	full_name          TEXT NOT NULL,
	sort_key           TEXT NOT NULL, -- official order, unique (ends with the id)
	gender             TEXT NOT NULL,
	birth_date         TEXT NOT NULL, -- YYYY-MM-DD or ''
	national_id        TEXT NOT NULL,
	active_national_id TEXT UNIQUE,   -- the ID while active, else NULL: one active holder per ID
	phone              TEXT NOT NULL,
	address            TEXT NOT NULL,
	joined_on          TEXT NOT NULL,
	member_no          TEXT NOT NULL,
	status             TEXT NOT NULL,
	left_on            TEXT NOT NULL,
	leave_reason       TEXT NOT NULL,
	stints             TEXT NOT NULL, -- JSON
	version            INTEGER NOT NULL,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
) STRICT;
-- a branch's roll in order (path equality), a commune's (path range, then sorted)
CREATE INDEX members_path_sort ON members(path, sort_key);
-- larger subtrees: walk the official order and keep those under the unit
CREATE INDEX members_sort ON members(sort_key);
-- search: the folded words of the name and the ids of the units above the
-- member ("u" + id), so that "these words, below that unit" is one lookup
CREATE VIRTUAL TABLE member_terms USING fts5(terms, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE member_events (
	member_id  TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	type       TEXT NOT NULL,
	on_date    TEXT NOT NULL,
	at         INTEGER NOT NULL,
	actor_id   TEXT NOT NULL,
	actor_name TEXT NOT NULL,
	changes    TEXT NOT NULL, -- JSON
	from_branch TEXT NOT NULL,
	to_branch  TEXT NOT NULL,
	reason     TEXT NOT NULL,
	PRIMARY KEY (member_id, seq)
) STRICT, WITHOUT ROWID;
`},
	{"0005_officers", `
CREATE TABLE officer_boards (
	unit_id TEXT PRIMARY KEY,
	path    TEXT NOT NULL,
	version INTEGER NOT NULL,
	posts   TEXT NOT NULL -- JSON
) STRICT;
CREATE INDEX officer_boards_path ON officer_boards(path);
CREATE TABLE officer_posts (
	officer_id TEXT PRIMARY KEY,
	unit_id    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX officer_posts_unit ON officer_posts(unit_id);
`},
	{"0006_rollups", `
-- every branch a member ever belonged to: the facts of a branch's tally
CREATE TABLE member_branches (
	branch_id    TEXT NOT NULL,
	member_rowid INTEGER NOT NULL,
	PRIMARY KEY (branch_id, member_rowid)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO member_branches(branch_id, member_rowid)
	SELECT json_extract(j.value, '$.branchId'), m.rowid FROM members m, json_each(m.stints) j;
-- a unit's tally per day ('' = live); bump hands out tickets, ticket is
-- the ticket of the stored tally (internal/rollups/store.go)
CREATE TABLE counters (
	unit_id   TEXT NOT NULL,
	day       TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	path      TEXT NOT NULL DEFAULT '',
	bump      INTEGER NOT NULL DEFAULT 0,
	ticket    INTEGER NOT NULL DEFAULT 0,
	tally     TEXT,
	PRIMARY KEY (unit_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX counters_parent ON counters(parent_id, day);
CREATE INDEX counters_path ON counters(day, path);
CREATE TABLE stale_marks (
	unit_id TEXT NOT NULL,
	day     TEXT NOT NULL,
	path    TEXT NOT NULL,
	gen     INTEGER NOT NULL,
	PRIMARY KEY (unit_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX stale_marks_path ON stale_marks(day, path);
CREATE TABLE snapshot_days (day TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
`},
	{"0007_marks_keep_generations", `
-- marks are settled in place instead of deleted, so that generations only
-- grow: a clear at an old generation can never remove a newer mark
ALTER TABLE stale_marks ADD COLUMN cleared INTEGER NOT NULL DEFAULT 0;
`},
	{"0008_refresh_tokens_by_user", `
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
`},
	{"0009_pending_marks", `
-- settled marks stay (for their generations) but must not slow reads:
-- reads look only at the pending ones
DROP INDEX stale_marks_path;
CREATE INDEX stale_marks_pending ON stale_marks(day, path) WHERE cleared < gen;
`},
	{"0010_refresh_tokens_expiry", `
CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);
`},
	{"0011_users_disabled_logins_checked", `
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
-- every authenticated request asks whether its login was revoked: one
-- index seek, however many refreshes the login made
CREATE INDEX refresh_tokens_family_revoked ON refresh_tokens(family_id, revoked);
`},
	{"0012_member_moves", memberMovesMigration}, // issue 15.3: movements.go
	// 0013_member_order (a narrow sort table for searches) was replaced by
	// the search keys of 0015 before it was released: a database that has
	// it loses it there.
	{"0014_marks_per_change", `
-- issue 15: a mark per change, so that settling one change never clears
-- another's; stored says the change is stored (only then may a recount
-- clear it). Settled marks are deleted: each row has one change's
-- generations only. Marks from before are kept as stored.
CREATE TABLE stale_marks_by_change (
	unit_id   TEXT NOT NULL,
	day       TEXT NOT NULL,
	change_id TEXT NOT NULL,
	path      TEXT NOT NULL,
	gen       INTEGER NOT NULL,
	stored    INTEGER NOT NULL,
	PRIMARY KEY (unit_id, day, change_id)
) STRICT, WITHOUT ROWID;
INSERT INTO stale_marks_by_change(unit_id, day, change_id, path, gen, stored)
	SELECT unit_id, day, '', path, gen, 1 FROM stale_marks WHERE cleared < gen;
DROP TABLE stale_marks;
ALTER TABLE stale_marks_by_change RENAME TO stale_marks;
CREATE INDEX stale_marks_day_path ON stale_marks(day, path);
`},
	{"0015_member_keys", memberKeysMigration}, // issue 15.5: member_keys.go
	{"0016_one_path", `
-- issue 16.2: one name for a unit path in every record (unitpath.Path). The
-- tables already call it path; a grant called it unitPath in its JSON.
UPDATE users SET grants = (
	SELECT json_group_array(json_remove(json_set(g.value, '$.path', json(g.value -> '$.unitPath')), '$.unitPath'))
	FROM json_each(users.grants) g)
WHERE grants LIKE '%"unitPath"%';
`},
	{"0017_path_ranges", rewritePathsIndexes},       // issue 16.2: rewrite_paths.go
	{"0018_idempotency_keys", idempotencyKeysTable}, // issue 17.8: idempotency.go
	// issue 18.3: when a unit was closed (NULL while open): a branch counts
	// only on the days before.
	{"0019_unit_closed_at", `ALTER TABLE units ADD COLUMN closed_at INTEGER;`},
	{"0020_audit", auditSchema}, // issue 18.7: audit.go
	// issue 17: an import matches a row's card number in its branch.
	{"0021_member_numbers", `CREATE INDEX members_branch_no ON members(branch_id, member_no) WHERE member_no <> '';`},
	// issue 17: the import job that made a change, for its resume and undo.
	{"0022_event_job", `ALTER TABLE member_events ADD COLUMN job TEXT NOT NULL DEFAULT '';`},
	// issue 17: import jobs (the job as JSON, its status and age indexed
	// for the runner), their files in chunks and their rows' results.
	{"0023_import_jobs", `
CREATE TABLE import_jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at INTEGER NOT NULL,
	version INTEGER NOT NULL, doc TEXT NOT NULL) STRICT;
CREATE INDEX import_jobs_status ON import_jobs(status, created_at);
CREATE TABLE import_files (job_id TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, n)) STRICT, WITHOUT ROWID;
CREATE TABLE import_rows (job_id TEXT NOT NULL, row INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (job_id, row)) STRICT, WITHOUT ROWID;
`},
	// issue 17.6: an import finds a row's namesakes born the same year in
	// one indexed read (members.NameKey; name_keys.go).
	{"0024_member_name_keys", `ALTER TABLE members ADD COLUMN name_key TEXT NOT NULL DEFAULT '';`},
	{"0025_recognitions", recognitionsSchema},       // issue 20: recognitions.go
	{"0026_evidence", evidenceSchema},               // issue 20: evidence.go
	{"0027_fund", fundSchema},                       // issue 20: fund.go
	{"0028_awards", awardsSchema},                   // issue 20: awards.go
	{"0029_unit_moves", unitMovesSchema},            // issue 18.5: unit_moves.go
	{"0030_branch_periods", branchPeriodsIndex},     // issue 15: movements.go
	{"0031_branch_changes", branchChangesSchema},    // issue 15: branch_changes.go, periods_cache.go
	{"0032_audit_pending", auditPendingIndex},       // issue 15: audit.go
	{"0033_counters_rowid", countersRowidMigration}, // issue 15: counters_rowid.go
	{"0034_members_roll", membersRollIndex},         // issue 15: members_roll.go
}

// ErrNewerSchema refuses a database written by a newer sohoi.
var ErrNewerSchema = errors.New("the database's schema is newer than this sohoi knows")

// retiredMigrations ran on some databases and no longer exist: their
// record is not a sign of a newer schema.
var retiredMigrations = []string{"0012_member_order", "0013_member_order"} // the narrow sort table, numbered 0012 before 0012_member_moves took the number

// migrate brings the schema forward, step by step, each once (the
// schema_migrations table records the steps a database has: its schema
// version). A database with a step this binary does not know was written
// by a newer sohoi, whose data this one could damage: it is refused.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return err
	}
	if err := db.refuseNewerSchema(ctx); err != nil {
		return err
	}
	for _, m := range migrations {
		err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, m.name).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if fill := migrationFills[m.name]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(name, applied_at) VALUES (?, ?)`, m.name, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// refuseNewerSchema fails when the database records a step this binary
// does not know.
func (db *DB) refuseNewerSchema(ctx context.Context) error {
	known := map[string]bool{}
	for _, m := range migrations {
		known[m.name] = true
	}
	for _, name := range retiredMigrations {
		known[name] = true
	}
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var unknown []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w (steps %s): run the sohoi that wrote it, or a newer one", ErrNewerSchema, strings.Join(unknown, ", "))
	}
	return nil
}
