package sqlite

import "context"

// The contract's hooks to change the trail behind the store's back
// (storetest.AuditTamper), straight through SQL.

func (db *DB) TamperAudit(ctx context.Context, seq int64, after string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE audit SET after = ? WHERE seq = ?`, after, seq)
	return err
}

func (db *DB) RemoveAudit(ctx context.Context, seq int64) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM audit WHERE seq = ?`, seq)
	return err
}
