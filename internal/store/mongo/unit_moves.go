package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// collUnitMoves keeps the moves of units (units.MoveHistory, issue 18.5):
// one document per move, written once, with every unit on either of its
// paths in touches (a multikey index finds the moves touching a subtree
// since a day). The paths are those of the moment of the move: a later
// move of a subtree does not rewrite them (they are not "path" fields).
const collUnitMoves = "unitMoves"

type unitMoveDoc struct {
	ID      string    `bson:"_id"`
	UnitID  string    `bson:"unitId"`
	From    []string  `bson:"from"`
	To      []string  `bson:"to"`
	Touches []string  `bson:"touches"`
	Day     string    `bson:"day"`
	At      time.Time `bson:"at"`
}

// RecordMove implements units.MoveHistory: one insert; a move recorded
// already (a resumed move) is left as it is.
func (db *DB) RecordMove(ctx context.Context, m *units.MoveRecord) (err error) {
	defer errs.Wrap(&err, "mongo: RecordMove %s", m.ID)
	seen := map[string]bool{}
	var touches []string
	for _, id := range append(append([]string{}, m.From...), m.To...) {
		if !seen[id] {
			seen[id] = true
			touches = append(touches, id)
		}
	}
	_, err = db.coll(collUnitMoves).InsertOne(ctx, unitMoveDoc{ID: m.ID, UnitID: m.UnitID, From: m.From, To: m.To,
		Touches: touches, Day: m.Day.String(), At: m.At.UTC()})
	if isDup(err) {
		return nil
	}
	return err
}

// MovesSince implements units.MoveHistory (index unit_moves_touches_day).
func (db *DB) MovesSince(ctx context.Context, unitID string, after civil.Date) (_ []*units.MoveRecord, err error) {
	defer errs.Wrap(&err, "mongo: MovesSince %s", unitID)
	return db.unitMoves(ctx, bson.D{{Key: "touches", Value: unitID}, {Key: "day", Value: bson.D{{Key: "$gt", Value: after.String()}}}})
}

// MovesOf implements units.MoveHistory (index unit_moves_unit_day).
func (db *DB) MovesOf(ctx context.Context, unitIDs []string, after civil.Date) (_ []*units.MoveRecord, err error) {
	defer errs.Wrap(&err, "mongo: MovesOf %v", unitIDs)
	if len(unitIDs) == 0 {
		return nil, nil
	}
	return db.unitMoves(ctx, bson.D{{Key: "unitId", Value: bson.D{{Key: "$in", Value: unitIDs}}},
		{Key: "day", Value: bson.D{{Key: "$gt", Value: after.String()}}}})
}

func (db *DB) unitMoves(ctx context.Context, filter bson.D) ([]*units.MoveRecord, error) {
	cur, err := db.coll(collUnitMoves).Find(ctx, filter)
	if err != nil {
		return nil, err
	}
	var docs []unitMoveDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*units.MoveRecord, 0, len(docs))
	for _, d := range docs {
		day, err := civil.Parse(d.Day)
		if err != nil {
			return nil, err
		}
		out = append(out, &units.MoveRecord{ID: d.ID, UnitID: d.UnitID, From: unitpath.Path(d.From), To: unitpath.Path(d.To),
			Day: day, At: d.At.UTC()})
	}
	units.SortMoves(out) // a few per unit: sorted here rather than by an index
	return out, nil
}
