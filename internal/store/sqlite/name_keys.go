package sqlite

import (
	"context"
	"database/sql"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// fillNameKeys computes the name key (members.NameKey: folding is Go's)
// of the members stored before migration 0024, then indexes it. The index
// is built after the fill so that filling does not update it row by row.
func fillNameKeys(ctx context.Context, tx *sql.Tx) error {
	upd, err := tx.PrepareContext(ctx, `UPDATE members SET name_key = ? WHERE rowid = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	type named struct {
		rid         int64
		name, birth string
	}
	for last := int64(-1); ; {
		rows, err := tx.QueryContext(ctx, `SELECT rowid, full_name, birth_date FROM members WHERE rowid > ? ORDER BY rowid LIMIT 5000`, last)
		if err != nil {
			return err
		}
		var batch []named
		for rows.Next() {
			var r named
			if err := rows.Scan(&r.rid, &r.name, &r.birth); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			birth, _ := civil.Parse(r.birth) // "" (unknown) parses as the zero date
			if _, err := upd.ExecContext(ctx, members.NameKey(r.name, birth.Year), r.rid); err != nil {
				return err
			}
		}
		last = batch[len(batch)-1].rid
	}
	_, err = tx.ExecContext(ctx, `CREATE INDEX members_name_key ON members(name_key, path)`)
	return err
}
