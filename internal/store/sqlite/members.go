package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

const memberCols = `id, branch_id, path, full_name, gender, birth_date, national_id, phone, address, joined_on, member_no,
	status, left_on, leave_reason, stints, version, created_at, updated_at`

func scanMember(row interface{ Scan(...any) error }) (*members.Member, error) {
	var m members.Member
	var path, birth, joined, left, stints string
	var created, updated int64
	err := row.Scan(&m.ID, &m.BranchID, &path, &m.FullName, &m.Gender, &birth, &m.NationalID, &m.Phone, &m.Address,
		&joined, &m.MemberNo, &m.Status, &left, &m.LeaveReason, &stints, &m.Version, &created, &updated)
	if err != nil {
		return nil, err
	}
	m.Path = unitpath.ParseKey(path)
	m.BirthDate, m.JoinedOn, m.LeftOn = dateOf(birth), dateOf(joined), dateOf(left)
	if stints != "" { // a brief list's (members.Query.Brief)
		if err := json.Unmarshal([]byte(stints), &m.Stints); err != nil {
			return nil, err
		}
	}
	m.CreatedAt, m.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &m, nil
}

func dateOf(s string) civil.Date {
	d, _ := civil.Parse(s) // stored by us: valid or empty
	return d
}

func memberArgs(m *members.Member) ([]any, error) {
	stints, err := json.Marshal(m.Stints)
	if err != nil {
		return nil, err
	}
	return []any{m.BranchID, m.Path.Key(), m.FullName, m.SortKey(), m.Gender, m.BirthDate.String(), m.NationalID,
		nullable(m.ActiveNationalID()), m.Phone, m.Address, m.JoinedOn.String(), m.MemberNo, m.Status, m.LeftOn.String(),
		m.LeaveReason, string(stints), m.Version, nanos(m.CreatedAt), nanos(m.UpdatedAt), m.NameKey()}, nil
}

func insertEvent(ctx context.Context, tx *sql.Tx, ev *members.Event) error {
	changes, err := json.Marshal(ev.Changes)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO member_events(member_id, seq, type, on_date, at, actor_id, actor_name, changes,
		from_branch, to_branch, reason, job) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, ev.MemberID, ev.Seq, ev.Type, ev.On.String(),
		nanos(ev.At), ev.ActorID, ev.ActorName, string(changes), ev.FromBranchID, ev.ToBranchID, ev.Reason, ev.Job)
	return err
}

func duplicateID(err error) error {
	if isUnique(err) {
		return errs.E(errs.DuplicateNationalID, "an active member already holds this national ID")
	}
	return err
}

// CreateMember implements members.Store.
func (db *DB) CreateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateMember %s", m.ID)
	args, err := memberArgs(m)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO members(id, branch_id, path, full_name, sort_key, gender, birth_date,
			national_id, active_national_id, phone, address, joined_on, member_no, status, left_on, leave_reason, stints,
			version, created_at, updated_at, name_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, append([]any{m.ID}, args...)...)
		if err != nil {
			return duplicateID(err)
		}
		rowid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := insertKeys(ctx, tx, m, rowid); err != nil {
			return err
		}
		if err := addMemberBranches(ctx, tx, rowid, m); err != nil {
			return err
		}
		return insertEvent(ctx, tx, ev)
	})
}

// addMemberBranches records every branch of m's stints.
func addMemberBranches(ctx context.Context, tx *sql.Tx, rowid int64, m *members.Member) error {
	for _, s := range m.Stints {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO member_branches(branch_id, member_rowid) VALUES (?, ?)`, s.BranchID, rowid); err != nil {
			return err
		}
	}
	return nil
}

// GetMember implements members.Store: one table holds every province, and
// a member living outside the provinces asked (in) is not found, as on
// MongoDB.
func (db *DB) GetMember(ctx context.Context, id string, in members.Provinces) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "sqlite: GetMember %s", id)
	m, err := scanMember(db.reads(ctx).QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !in.Has(m.Path.Province()) {
		return nil, errs.E(errs.NotFound, "member not found")
	}
	return m, err
}

// ActiveMemberByNationalID implements members.Store.
func (db *DB) ActiveMemberByNationalID(ctx context.Context, nationalID string) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "sqlite: ActiveMemberByNationalID (an ID)")
	m, err := scanMember(db.reads(ctx).QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE active_national_id = ?`, nationalID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "no active member holds this national ID")
	}
	return m, err
}

// UpdateMember implements members.Store.
func (db *DB) UpdateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateMember %s", m.ID)
	args, err := memberArgs(m)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return updateMember(ctx, tx, m, args, ev)
	})
}

// MoveMember implements members.Store: a change across provinces is an
// update like any other here (one table, one transaction).
func (db *DB) MoveMember(ctx context.Context, _, m *members.Member, ev *members.Event) error {
	return db.UpdateMember(ctx, m, ev)
}

// UpdateMembers implements members.Store: every change in one transaction.
func (db *DB) UpdateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateMembers (%d)", len(ms))
	return db.batchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i, m := range ms {
			args, err := memberArgs(m)
			if err != nil {
				return err
			}
			if err := updateMember(ctx, tx, m, args, evs[i]); err != nil {
				return fmt.Errorf("member %s: %w", m.ID, err)
			}
		}
		return nil
	})
}

// updateMember replaces m (args: memberArgs) if the stored version is the
// one before, and appends ev.
func updateMember(ctx context.Context, tx *sql.Tx, m *members.Member, args []any, ev *members.Event) error {
	var rowid int64
	var version int
	var oldName, oldPath, oldKey string
	err := tx.QueryRowContext(ctx, `SELECT rowid, version, full_name, path, sort_key FROM members WHERE id = ?`, m.ID).Scan(&rowid,
		&version, &oldName, &oldPath, &oldKey)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "member not found")
	}
	if err != nil {
		return err
	}
	if version != m.Version-1 {
		return errs.SwapMissed("member", m.ID, m.Version-1, func() (int, error) { return version, nil })
	}
	if _, err := tx.ExecContext(ctx, `UPDATE members SET branch_id=?, path=?, full_name=?, sort_key=?, gender=?, birth_date=?,
		national_id=?, active_national_id=?, phone=?, address=?, joined_on=?, member_no=?, status=?, left_on=?, leave_reason=?,
		stints=?, version=?, created_at=?, updated_at=?, name_key=? WHERE rowid = ?`, append(args, rowid)...); err != nil {
		return duplicateID(err)
	}
	switch {
	case oldName != m.FullName || oldKey != m.SortKey():
		if err := deleteKeys(ctx, tx, oldName, unitpath.ParseKey(oldPath), oldKey); err != nil {
			return err
		}
		if err := insertKeys(ctx, tx, m, rowid); err != nil {
			return err
		}
	case oldPath != m.Path.Key():
		if err := moveKeys(ctx, tx, oldName, oldKey, rowid, unitpath.ParseKey(oldPath), m.Path); err != nil {
			return err
		}
	}
	if err := addMemberBranches(ctx, tx, rowid, m); err != nil {
		return err
	}
	return insertEvent(ctx, tx, ev)
}

// MemberHistory implements members.Store.
func (db *DB) MemberHistory(ctx context.Context, id string, _ members.Provinces) (_ []*members.Event, err error) {
	defer errs.Wrap(&err, "sqlite: MemberHistory %s", id)
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT member_id, seq, type, on_date, at, actor_id, actor_name, changes, from_branch,
		to_branch, reason, job FROM member_events WHERE member_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*members.Event
	for rows.Next() {
		var ev members.Event
		var on, changes string
		var at int64
		if err := rows.Scan(&ev.MemberID, &ev.Seq, &ev.Type, &on, &at, &ev.ActorID, &ev.ActorName, &changes,
			&ev.FromBranchID, &ev.ToBranchID, &ev.Reason, &ev.Job); err != nil {
			return nil, err
		}
		ev.On, ev.At = dateOf(on), fromNanos(at)
		if err := json.Unmarshal([]byte(changes), &ev.Changes); err != nil {
			return nil, err
		}
		out = append(out, &ev)
	}
	return out, rows.Err()
}

// CreateMembers implements members.Store: LoadMembers, one transaction.
func (db *DB) CreateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	return db.LoadMembers(ctx, ms, evs)
}

// MembersByName implements members.Store, from members_name_key.
func (db *DB) MembersByName(ctx context.Context, top unitpath.Path, keys []string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "sqlite: MembersByName")
	if len(keys) == 0 {
		return nil, nil
	}
	ks, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	lo, hi := keyRange(top)
	return db.queryMembers(ctx, `SELECT `+memberCols+` FROM members
		WHERE name_key IN (SELECT value FROM json_each(?)) AND path >= ? AND path < ?`, string(ks), lo, hi)
}

// queryMembers runs a query of memberCols on the read pool and scans
// every member it returns.
func (db *DB) queryMembers(ctx context.Context, query string, args ...any) ([]*members.Member, error) {
	rows, err := db.reads(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*members.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembersByNumber implements members.Store, from members_branch_no.
func (db *DB) MembersByNumber(ctx context.Context, branch unitpath.Path, memberNo string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "sqlite: MembersByNumber")
	branchID := branch.Unit()
	return db.queryMembers(ctx, `SELECT `+memberCols+` FROM members WHERE branch_id = ? AND member_no = ? AND member_no <> ''`, branchID, memberNo)
}
