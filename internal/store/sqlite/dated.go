package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// dated is how the fund's entries and the awards are kept: a row per
// record with the record as JSON, its path column (which a move rewrites,
// and which overrides the JSON's) and a list key that sorts by day then
// id. Their reads differ only by table and type.
type dated[T any] struct {
	table, kind string
	setPath     func(*T, unitpath.Path)
	listKey     func(*T) string
}

func (d dated[T]) scan(row interface{ Scan(...any) error }) (*T, error) {
	var path, doc string
	if err := row.Scan(&path, &doc); err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return nil, err
	}
	d.setPath(v, unitpath.ParseKey(path))
	return v, nil
}

// get is the record id, or errs.NotFound.
func (d dated[T]) get(ctx context.Context, db *DB, id string) (*T, error) {
	v, err := d.scan(db.reads(ctx).QueryRowContext(ctx, `SELECT path, doc FROM `+d.table+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(d.kind, id)
	}
	return v, err
}

// at are one unit's records dated on or before to (zero: all), by day.
func (d dated[T]) at(ctx context.Context, db *DB, unitID string, to civil.Date) ([]*T, error) {
	return queryAll(ctx, db.reads(ctx), d.scan, `SELECT path, doc FROM `+d.table+` WHERE unit_id = ? AND list_key < ? ORDER BY list_key`, unitID, upTo(to))
}

// list is a page of a subtree's records dated from..to.
func (d dated[T]) list(ctx context.Context, db *DB, top unitpath.Path, from, to civil.Date, p page.Request) (page.Result[*T], error) {
	var res page.Result[*T]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	lo, hi := keyRange(top)
	items, err := queryAll(ctx, db.reads(ctx), d.scan, `SELECT path, doc FROM `+d.table+`
		WHERE path >= ? AND path < ? AND list_key > ? AND list_key > ? AND list_key < ? ORDER BY list_key LIMIT ?`,
		lo, hi, from.String(), k.After, upTo(to), k.Fetch())
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return d.listKey(items[i]) }), nil
}
