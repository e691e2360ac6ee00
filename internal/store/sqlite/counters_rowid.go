package sqlite

// countersRowidMigration stores the counters in a table with rowids: the
// same columns and key, a tally's text now on its own B-tree cell.
//
// Why: a table WITHOUT ROWID keeps each row whole in the cells of its key's
// B-tree, and a tally of a district or a province (about 1.5 KB of JSON)
// spills onto overflow pages. Finding a key in such a B-tree compares it
// with the cells on the way, and SQLite reads a cell's whole record,
// overflow pages included, to compare it; it reads overflow pages straight
// from the file, never through a connection's cache. Measured on 1 M
// members: one GetCounter of the root read 13 overflow pages, whichever
// columns it asked for, and under issue 15's reads a quarter of the
// server's reads of pages were such pages (strace). Keyed by rowid, a
// lookup compares integers, and the key's own index holds only the key.
const countersRowidMigration = `
CREATE TABLE counters_by_rowid (
	unit_id   TEXT NOT NULL,
	day       TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	path      TEXT NOT NULL DEFAULT '',
	bump      INTEGER NOT NULL DEFAULT 0,
	ticket    INTEGER NOT NULL DEFAULT 0,
	tally     TEXT,
	PRIMARY KEY (unit_id, day)
) STRICT;
INSERT INTO counters_by_rowid(unit_id, day, parent_id, path, bump, ticket, tally)
	SELECT unit_id, day, parent_id, path, bump, ticket, tally FROM counters;
DROP TABLE counters;
ALTER TABLE counters_by_rowid RENAME TO counters;
CREATE INDEX counters_parent ON counters(parent_id, day);
CREATE INDEX counters_path ON counters(day, path);
CREATE INDEX counters_path_range ON counters(path);
`
