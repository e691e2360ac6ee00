package mongo

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// Movements (internal/rollups/movements.go) on MongoDB are read from the
// member documents themselves, by the first and last days of their
// periods (members_stints_from, members_stints_to): nothing is kept beside
// the facts, so nothing can disagree with them and no write does more.
// A window's periods are filtered to the subtree here, by the paths of
// their branches (read by _id).

var _ rollups.MovementStore = (*DB)(nil)

// movedMembers returns the members of the subtree at unit's province
// (every province for the root's: the scatter members.national-past-day)
// with a period that began (field "stints.from") or ended ("stints.to")
// in (after, upTo], each once. A range on an array matches a document
// whose elements meet its bounds between them: callers keep only the
// periods that moved, in branches of the subtree. A member who left a
// province keeps its periods there on its stub; read nationally, it comes
// twice (the stub and the live document, whose periods are the same or
// later): the live one is kept.
func (db *DB) movedMembers(ctx context.Context, unit unitpath.Path, after, upTo string, fields ...string) ([]*members.Member, error) {
	province, o, err := db.subtreeProvince(ctx, unit, "members.national-past-day")
	if err != nil {
		return nil, err
	}
	at := map[string]int{}
	var out []*members.Member
	for _, f := range fields {
		ms, err := db.findMembersWith(ctx, bson.D{province, {Key: f, Value: bson.D{{Key: "$gt", Value: after}, {Key: "$lte", Value: upTo}}}}, o)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			i, seen := at[m.ID]
			switch {
			case !seen:
				at[m.ID] = len(out)
				out = append(out, m)
			case out[i].Path == nil && m.Path != nil: // a stub met first
				out[i] = m
			}
		}
	}
	return out, nil
}

// unitsByID reads units by id.
func (db *DB) unitsByID(ctx context.Context, ids []string) (map[string]*units.Unit, error) {
	out := map[string]*units.Unit{}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := db.coll(collUnits).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	for i := range docs {
		out[docs[i].ID] = docs[i].unit()
	}
	return out, nil
}

func inWindow(d, after, upTo string) bool { return d != "" && d > after && d <= upTo }

// MovedBetween implements rollups.MovementStore.
func (db *DB) MovedBetween(ctx context.Context, unit unitpath.Path, after, upTo string) (_ *rollups.Moves, err error) {
	unitID := unit.Unit()
	defer errs.Wrap(&err, "mongo: MovedBetween %s", unitID)
	ms, err := db.movedMembers(ctx, unit, after, upTo, "stints.from", "stints.to")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		for _, st := range m.Stints {
			if (inWindow(st.From.String(), after, upTo) || inWindow(st.To.String(), after, upTo)) && !slices.Contains(ids, st.BranchID) {
				ids = append(ids, st.BranchID)
			}
		}
	}
	branches, err := db.unitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &rollups.Moves{}
	for _, m := range ms {
		for _, st := range m.Stints {
			b := branches[st.BranchID]
			if b == nil || !slices.Contains(b.Path, unitID) || !(inWindow(st.From.String(), after, upTo) || inWindow(st.To.String(), after, upTo)) {
				continue
			}
			out.Periods = append(out.Periods, rollups.MovedPeriod{Path: b.Path, Gender: m.Gender, BirthYear: m.BirthDate.Year,
				JoinYear: m.JoinedOn.Year, Stint: st})
		}
	}
	return out, nil
}

// BranchStarts implements rollups.MovementStore: the branches of periods
// that began in the window, and those created in it give or take a day
// (units_path_level_created), each with its earliest period read
// from its members (members_stints_branch).
func (db *DB) BranchStarts(ctx context.Context, unit unitpath.Path, after, upTo string) (_ []rollups.BranchStart, err error) {
	unitID := unit.Unit()
	defer errs.Wrap(&err, "mongo: BranchStarts %s", unitID)
	ms, err := db.movedMembers(ctx, unit, after, upTo, "stints.from")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		for _, st := range m.Stints {
			if inWindow(st.From.String(), after, upTo) && !slices.Contains(ids, st.BranchID) {
				ids = append(ids, st.BranchID)
			}
		}
	}
	from, until, err := rollups.CreatedWindow(after, upTo)
	if err != nil {
		return nil, err
	}
	cur, err := db.coll(collUnits).Find(ctx, bson.D{{Key: "path", Value: unitID}, {Key: "level", Value: units.Branch},
		{Key: "createdAt", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: until}}}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var created []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &created); err != nil {
		return nil, err
	}
	for _, c := range created {
		if !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	if !slices.Contains(ids, unitID) {
		ids = append(ids, unitID) // a branch asked for itself: checked below like any
	}
	branches, err := db.unitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []rollups.BranchStart
	for _, id := range ids {
		b := branches[id]
		if b == nil || b.Level != units.Branch || !slices.Contains(b.Path, unitID) {
			continue
		}
		everyone, err := db.BranchEveryone(ctx, b.Path)
		if err != nil {
			return nil, err
		}
		first := ""
		for _, m := range everyone {
			for _, st := range m.Stints {
				if f := st.From.String(); st.BranchID == id && f != "" && (first == "" || f < first) {
					first = f
				}
			}
		}
		if first != "" && first <= after {
			continue // began before the window, whenever it was created
		}
		out = append(out, rollups.BranchStart{Unit: b, FirstPeriod: first})
	}
	return out, nil
}

// BranchPeriods implements rollups.MovementStore: a member document holds
// its periods, so they are the branch's members' (BranchEveryone, one
// indexed query with the counting projection).
func (db *DB) BranchPeriods(ctx context.Context, branch unitpath.Path) (_ []rollups.MovedPeriod, err error) {
	defer errs.Wrap(&err, "mongo: BranchPeriods %s", branch.Unit())
	everyone, err := db.BranchEveryone(ctx, branch)
	if err != nil {
		return nil, err
	}
	return rollups.PeriodsIn(branch.Unit(), everyone), nil
}
