package mongo

import (
	"context"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// subtreeProvince is the filter's province for the counters or marks of
// the subtree at path, and the options of the find that reads them: its
// province, or for the root's subtree every province and the root's own,
// the find then carrying scatter, its declared scatter (docs/sharding.md
// §4).
func (db *DB) subtreeProvince(ctx context.Context, path unitpath.Path, scatter string) (bson.E, *options.FindOptionsBuilder, error) {
	o := options.Find()
	if len(path) != 1 {
		return bson.E{Key: "province", Value: provinceOfPath(path)}, o, nil
	}
	ps, err := db.provinces(ctx, path[0])
	if err != nil {
		return bson.E{}, nil, err
	}
	return bson.E{Key: "province", Value: bson.D{{Key: "$in", Value: ps}}}, o.SetComment(ScatterComment(scatter)), nil
}

// provincesFor is how long a process keeps the province list. The settler
// asks for the root's marks once per kept day every sweep, and every
// national read asks twice: without the cache each would read units
// first. A province created through another instance is missed for at
// most this long, which only delays: its marks are settled by a later
// sweep, a national read recounts a province without a stored tally, and
// a province made within the minute has no kept days for a reconcile to
// drop. One created or moved through this instance is seen at once
// (forgetProvinces).
const provincesFor = time.Minute

// provinceList is the cached province list of one root.
type provinceList struct {
	mu   sync.Mutex
	root string
	ids  []string
	at   time.Time
}

// provinces are the root's own province and its children's ids (closed
// provinces too, which keep their parent): every province a counter or a
// mark can carry, from units_parent_code, cached for provincesFor.
func (db *DB) provinces(ctx context.Context, root string) ([]string, error) {
	l := &db.provinceList
	l.mu.Lock()
	if l.root == root && l.ids != nil && time.Since(l.at) < provincesFor {
		defer l.mu.Unlock()
		return slices.Clone(l.ids), nil
	}
	l.mu.Unlock()
	read := time.Now()
	cur, err := db.coll(collUnits).Find(ctx, bson.D{{Key: "parentId", Value: root}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	ids := []string{root}
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if read.After(l.at) { // not over a list read, or forgotten, since
		l.root, l.ids, l.at = root, ids, read
	}
	return slices.Clone(ids), nil
}

// forgetProvinces drops the cached list when path is (or was) a
// province's: a unit created or moved there by this process.
func (db *DB) forgetProvinces(paths ...unitpath.Path) {
	for _, p := range paths {
		if len(p) == 2 {
			l := &db.provinceList
			l.mu.Lock()
			l.ids, l.at = nil, time.Now()
			l.mu.Unlock()
			return
		}
	}
}
