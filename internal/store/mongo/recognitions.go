package mongo

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// A recognition is one document: the fields its rules and lists need, and
// the record itself as JSON (assessments and evidence links live inside
// it, so every transition is one single-document compare-and-swap). The
// rules are sparse unique indexes on fields present only while they apply
// (onceKey and renews are absent on a refused record). path and version
// are the truth: RewritePaths changes them, and they override the JSON's.
type recognitionDoc struct {
	ID      string   `bson:"_id"`
	UnitID  string   `bson:"unitId"`
	Path    []string `bson:"path"`
	Status  string   `bson:"status"`
	OnceKey string   `bson:"onceKey,omitempty"` // learning.OnceKey
	Renews  string   `bson:"renews,omitempty"`  // learning.ActiveRenewal
	ListKey string   `bson:"listKey"`           // learning.ListKey
	Version int      `bson:"version"`
	Doc     string   `bson:"doc"`
}

func toRecognitionDoc(r *learning.Recognition) (*recognitionDoc, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return &recognitionDoc{ID: r.ID, UnitID: r.UnitID, Path: nonNil(r.Path), Status: string(r.Status), OnceKey: learning.OnceKey(r),
		Renews: learning.ActiveRenewal(r), ListKey: learning.ListKey(r), Version: r.Version, Doc: string(b)}, nil
}

func (d *recognitionDoc) recognition() (*learning.Recognition, error) {
	r := &learning.Recognition{}
	if err := json.Unmarshal([]byte(d.Doc), r); err != nil {
		return nil, err
	}
	r.Path, r.Version = unitpath.Path(d.Path), d.Version
	return r, nil
}

// CreateRecognition implements learning.Store.
func (db *DB) CreateRecognition(ctx context.Context, r *learning.Recognition) (err error) {
	defer errs.Wrap(&err, "mongo: CreateRecognition %s", r.ID)
	d, err := toRecognitionDoc(r)
	if err != nil {
		return err
	}
	_, err = db.coll(collRecognitions).InsertOne(ctx, d)
	if isDup(err) {
		return errs.E(errs.Conflict, "a %s named %q at this unit is already proposed or recognised for %d (or renews the same record)", r.Kind, r.Name, r.Year)
	}
	return err
}

func (db *DB) findRecognition(ctx context.Context, filter bson.D, what, id string) (*learning.Recognition, error) {
	var d recognitionDoc
	err := db.coll(collRecognitions).FindOne(ctx, filter).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound(what, id)
	}
	if err != nil {
		return nil, err
	}
	return d.recognition()
}

// GetRecognition implements learning.Store.
func (db *DB) GetRecognition(ctx context.Context, id string) (_ *learning.Recognition, err error) {
	defer errs.Wrap(&err, "mongo: GetRecognition %s", id)
	return db.findRecognition(ctx, bson.D{{Key: "_id", Value: id}}, "recognition", id)
}

// UpdateRecognition implements learning.Store: one replace guarded by the
// previous version.
func (db *DB) UpdateRecognition(ctx context.Context, r *learning.Recognition) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateRecognition %s", r.ID)
	d, err := toRecognitionDoc(r)
	if err != nil {
		return err
	}
	res, err := db.coll(collRecognitions).ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version - 1}}, d)
	if isDup(err) {
		return errs.E(errs.Conflict, "another record of the same model and year is proposed or recognised")
	}
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		return nil
	}
	if _, err := db.GetRecognition(ctx, r.ID); err != nil {
		return err
	}
	return errs.E(errs.VersionMismatch, "recognition %s changed meanwhile", r.ID)
}

// ListRecognitions implements learning.Store: the subtree by the top's id
// in the path (multikey), in list order from the cursor; the filter is
// applied to what the index returns, so that one index serves every
// filter (a page reads on until it is full).
func (db *DB) ListRecognitions(ctx context.Context, top unitpath.Path, f learning.Filter, p page.Request) (_ page.Result[*learning.Recognition], err error) {
	defer errs.Wrap(&err, "mongo: ListRecognitions %v", top)
	var res page.Result[*learning.Recognition]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	o := options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}})
	if f == (learning.Filter{}) {
		o.SetLimit(int64(k.Fetch()))
	}
	cur, err := db.coll(collRecognitions).Find(ctx, bson.D{{Key: "path", Value: top.Unit()}, {Key: "listKey", Value: bson.D{{Key: "$gt", Value: k.After}}}}, o)
	if err != nil {
		return res, err
	}
	defer cur.Close(ctx)
	var items []*learning.Recognition
	for len(items) < k.Fetch() && cur.Next(ctx) {
		var d recognitionDoc
		if err := cur.Decode(&d); err != nil {
			return res, err
		}
		r, err := d.recognition()
		if err != nil {
			return res, err
		}
		if f.Kind != "" && r.Kind != f.Kind || f.Year != 0 && r.Year != f.Year || f.Status != "" && r.Status != f.Status {
			continue
		}
		items = append(items, r)
	}
	if err := cur.Err(); err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return learning.ListKey(items[i]) }), nil
}

// RecognisedAt implements learning.Store.
func (db *DB) RecognisedAt(ctx context.Context, unitID string) (_ []*learning.Recognition, err error) {
	defer errs.Wrap(&err, "mongo: RecognisedAt %s", unitID)
	cur, err := db.coll(collRecognitions).Find(ctx, bson.D{{Key: "unitId", Value: unitID}, {Key: "status", Value: string(learning.Recognised)}})
	if err != nil {
		return nil, err
	}
	var docs []recognitionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*learning.Recognition, 0, len(docs))
	for i := range docs {
		r, err := docs[i].recognition()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RenewalOf implements learning.Store: the renewal that is not refused.
func (db *DB) RenewalOf(ctx context.Context, id string) (_ *learning.Recognition, err error) {
	defer errs.Wrap(&err, "mongo: RenewalOf %s", id)
	return db.findRecognition(ctx, bson.D{{Key: "renews", Value: id}}, "renewal of recognition", id)
}
