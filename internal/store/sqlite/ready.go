package sqlite

import (
	"context"
	"time"
)

// Ready is a reachable database is not enough: with its disk full, reads
// answer and every write fails. Ping therefore also writes: one small row,
// through the writer, so that readiness fails while writes fail and comes
// back without a restart once space is freed. Probes come every few
// seconds from an orchestrator; one small write each is cheap, and
// remembering a success would hide a disk that filled since.

// ensureProbeTable creates the probe's one-row table. It is not a
// migration: it holds nothing, and any version may drop it.
func (db *DB) ensureProbeTable(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS readiness_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)`)
	return err
}

// Ping checks that the database answers and can store a change.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO readiness_probe(id, at) VALUES (1, ?)
		ON CONFLICT(id) DO UPDATE SET at = excluded.at`, time.Now().UnixNano())
	return err
}
