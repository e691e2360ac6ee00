package mongo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
)

// An import job is one document: its status and age are fields the runner
// queries on, the rest is the job as JSON (read and written whole, never
// queried). Its file is kept in chunks of at most 8 MB (under MongoDB's
// 16 MB document limit), one document each; its rows' results one
// document per row. The job document is inserted after its file, so a job
// never names a file that is not all there.

const fileChunk = 8 << 20

type importJobDoc struct {
	ID        string    `bson:"_id"`
	Status    string    `bson:"status"`
	CreatedAt time.Time `bson:"createdAt"`
	Version   int       `bson:"version"`
	Doc       string    `bson:"doc"`
}

type importFileDoc struct {
	ID   string `bson:"_id"` // job/n
	Data []byte `bson:"data"`
}

type importRowDoc struct {
	ID  string `bson:"_id"` // job/row
	Job string `bson:"job"`
	Row int    `bson:"row"`
	Doc string `bson:"doc"`
}

func chunkID(job string, n int) string { return fmt.Sprintf("%s/%d", job, n) }

// CreateImportJob implements importjobs.JobStore.
func (db *DB) CreateImportJob(ctx context.Context, j *importjobs.Job, file io.Reader) (err error) {
	defer errs.Wrap(&err, "mongo: CreateImportJob %s", j.ID)
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	buf := make([]byte, fileChunk)
	for n := 0; ; n++ {
		k, rerr := io.ReadFull(file, buf)
		if k > 0 {
			if _, err := db.coll(collImportFile).ReplaceOne(ctx, bson.D{{Key: "_id", Value: chunkID(j.ID, n)}},
				importFileDoc{ID: chunkID(j.ID, n), Data: buf[:k]}, options.Replace().SetUpsert(true)); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	_, err = db.coll(collImportJobs).InsertOne(ctx, importJobDoc{ID: j.ID, Status: string(j.Status), CreatedAt: j.CreatedAt,
		Version: j.Version, Doc: string(doc)})
	return err
}

func jobOf(d *importJobDoc) (*importjobs.Job, error) {
	var j importjobs.Job
	return &j, json.Unmarshal([]byte(d.Doc), &j)
}

// GetImportJob implements importjobs.JobStore.
func (db *DB) GetImportJob(ctx context.Context, id string) (_ *importjobs.Job, err error) {
	defer errs.Wrap(&err, "mongo: GetImportJob %s", id)
	var d importJobDoc
	err = db.coll(collImportJobs).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDoc(err) {
		return nil, errs.E(errs.NotFound, "import not found")
	}
	if err != nil {
		return nil, err
	}
	return jobOf(&d)
}

// UpdateImportJob implements importjobs.JobStore: one update guarded by
// the previous version.
func (db *DB) UpdateImportJob(ctx context.Context, j *importjobs.Job) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateImportJob %s", j.ID)
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	res, err := db.coll(collImportJobs).UpdateOne(ctx, bson.D{{Key: "_id", Value: j.ID}, {Key: "version", Value: j.Version - 1}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(j.Status)}, {Key: "version", Value: j.Version}, {Key: "doc", Value: string(doc)}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return errs.SwapMissed("import", j.ID, j.Version-1, func() (int, error) {
		var cur importJobDoc
		err := db.coll(collImportJobs).FindOne(ctx, bson.D{{Key: "_id", Value: j.ID}}).Decode(&cur)
		if isNoDoc(err) {
			return 0, errs.E(errs.NotFound, "import not found")
		}
		return cur.Version, err
	})
}

// ImportJobsWithStatus implements importjobs.JobStore, from
// import_jobs_status_created.
func (db *DB) ImportJobsWithStatus(ctx context.Context, st importjobs.Status, limit int) (_ []*importjobs.Job, err error) {
	defer errs.Wrap(&err, "mongo: ImportJobsWithStatus %s", st)
	cur, err := db.coll(collImportJobs).Find(ctx, bson.D{{Key: "status", Value: string(st)}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []importJobDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*importjobs.Job, 0, len(docs))
	for i := range docs {
		j, err := jobOf(&docs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// ImportFile implements importjobs.JobStore: the chunks read one at a time.
func (db *DB) ImportFile(ctx context.Context, id string) (io.ReadCloser, error) {
	return importjobs.ChunkedFile(func(n int) ([]byte, error) {
		var d importFileDoc
		err := db.coll(collImportFile).FindOne(ctx, bson.D{{Key: "_id", Value: chunkID(id, n)}}).Decode(&d)
		if isNoDoc(err) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("mongo: ImportFile %s: %w", id, err)
		}
		return d.Data, nil
	}), nil
}

// PutImportRows implements importjobs.JobStore: one unordered bulk write
// of replacements by _id (job/row), so a batch done again replaces its
// rows.
func (db *DB) PutImportRows(ctx context.Context, id string, rows []importjobs.RowResult) (err error) {
	defer errs.Wrap(&err, "mongo: PutImportRows %s", id)
	if len(rows) == 0 {
		return nil
	}
	models := make([]driver.WriteModel, len(rows))
	for i, r := range rows {
		doc, err := json.Marshal(r)
		if err != nil {
			return err
		}
		rid := chunkID(id, r.Row)
		// job and row are the plan's shard key (docs/sharding.md §4.6): an
		// upsert on a sharded collection must name all of it.
		models[i] = driver.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: rid}, {Key: "job", Value: id}, {Key: "row", Value: r.Row}}).
			SetReplacement(importRowDoc{ID: rid, Job: id, Row: r.Row, Doc: string(doc)}).SetUpsert(true)
	}
	_, err = db.coll(collImportRows).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	return err
}

// ImportRows implements importjobs.JobStore, from import_rows_job_row.
func (db *DB) ImportRows(ctx context.Context, id string, after, limit int) (_ []importjobs.RowResult, err error) {
	defer errs.Wrap(&err, "mongo: ImportRows %s", id)
	cur, err := db.coll(collImportRows).Find(ctx, bson.D{{Key: "job", Value: id}, {Key: "row", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "row", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []importRowDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]importjobs.RowResult, len(docs))
	for i := range docs {
		if err := json.Unmarshal([]byte(docs[i].Doc), &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
