package mongo

import (
	"context"
	"errors"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Evidence bytes live in GridFS (the bucket "evidence": collections
// evidence.files and evidence.chunks), with the file's SHA-256 as its _id,
// so a file is unique by construction and no transaction is needed. A
// file's document is written by GridFS after its last chunk: until then it
// is invisible to GetFile and OpenFile. The links are documents of their
// own (_id: recognition|criterion|file, so linking twice is one insert
// refused).

const evidenceBucket = "evidence"

// staleChunks is how old the chunks of a file with no files document must
// be before a put takes them for the leftovers of a put that failed
// (rather than a put of the same file under way) and removes them.
const staleChunks = time.Minute

// bucket is a GridFS bucket on the database. One per call: a bucket's
// first-write check is not safe for concurrent use, and it costs one
// limited read (see mongotest's exception for it).
func (db *DB) bucket() *driver.GridFSBucket {
	return db.db.GridFSBucket(options.GridFSBucket().SetName(evidenceBucket))
}

type fileMeta struct {
	ContentType string    `bson:"contentType"`
	StoredAt    time.Time `bson:"storedAt"`
}

type fileDoc struct {
	ID       string   `bson:"_id"`
	Length   int64    `bson:"length"`
	Metadata fileMeta `bson:"metadata"`
}

func (d *fileDoc) file() *evidence.File {
	return &evidence.File{ID: d.ID, Size: d.Length, ContentType: d.Metadata.ContentType, StoredAt: utc(d.Metadata.StoredAt)}
}

// PutFile implements evidence.Store.
func (db *DB) PutFile(ctx context.Context, f *evidence.File, content io.Reader) (created bool, err error) {
	defer errs.Wrap(&err, "mongo: PutFile %s", f.ID)
	for attempt := 0; ; attempt++ {
		if _, err := db.GetFile(ctx, f.ID); err == nil {
			return false, nil
		} else if !errs.Is(err, errs.NotFound) {
			return false, err
		}
		us, err := db.bucket().OpenUploadStreamWithID(ctx, f.ID, f.ID,
			options.GridFSUpload().SetMetadata(fileMeta{ContentType: f.ContentType, StoredAt: f.StoredAt.UTC().Truncate(time.Millisecond)}))
		if err != nil {
			return false, err
		}
		// No Abort on failure: it deletes every chunk of the id, a
		// concurrent put's of the same file included. Chunks left behind
		// are invisible, and cleared by the next put (clearStale).
		_, err = io.Copy(us, content)
		if err == nil {
			err = us.Close()
		}
		if err == nil {
			return true, nil
		}
		if !isDup(err) {
			return false, err
		}
		// Another put of the same file got there first (and may still be
		// writing its chunks: wait for its file document), or one that
		// failed left chunks.
		if db.awaitFile(ctx, f.ID) {
			return false, nil
		}
		seeker, ok := content.(io.Seeker)
		if attempt > 0 || !ok {
			return false, errs.E(errs.Conflict, "another upload of the same file is under way; try again")
		}
		if stale, err := db.clearStale(ctx, f.ID); err != nil || !stale {
			return false, errors.Join(err, errs.E(errs.Conflict, "another upload of the same file is under way; try again"))
		}
		if _, err := seeker.Seek(0, io.SeekStart); err != nil {
			return false, err
		}
	}
}

// awaitFile waits a little for the files document of id, which a
// concurrent put of the same file writes after its chunks.
func (db *DB) awaitFile(ctx context.Context, id string) bool {
	for wait := 0; wait < 100; wait++ {
		if _, err := db.GetFile(ctx, id); err == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// clearStale removes the chunks of id when they are older than
// staleChunks (by their first chunk's ObjectID), reporting whether it did.
func (db *DB) clearStale(ctx context.Context, id string) (bool, error) {
	chunks := db.coll(collEvidenceChunks)
	var first struct {
		ID bson.ObjectID `bson:"_id"`
	}
	err := chunks.FindOne(ctx, bson.D{{Key: "files_id", Value: id}}, options.FindOne().SetSort(bson.D{{Key: "n", Value: 1}})).Decode(&first)
	if isNoDoc(err) {
		return true, nil
	}
	if err != nil || time.Since(first.ID.Timestamp()) < staleChunks {
		return false, err
	}
	_, err = chunks.DeleteMany(ctx, bson.D{{Key: "files_id", Value: id}})
	return err == nil, err
}

// GetFile implements evidence.Store.
func (db *DB) GetFile(ctx context.Context, id string) (_ *evidence.File, err error) {
	defer errs.Wrap(&err, "mongo: GetFile %s", id)
	var d fileDoc
	err = db.coll(collEvidenceFiles).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound("evidence file", id)
	}
	if err != nil {
		return nil, err
	}
	return d.file(), nil
}

// OpenFile implements evidence.Store: GridFS streams the chunks in order.
func (db *DB) OpenFile(ctx context.Context, id string) (_ *evidence.File, _ io.ReadCloser, err error) {
	defer errs.Wrap(&err, "mongo: OpenFile %s", id)
	ds, err := db.bucket().OpenDownloadStream(ctx, id)
	if errors.Is(err, driver.ErrFileNotFound) {
		return nil, nil, notFound("evidence file", id)
	}
	if err != nil {
		return nil, nil, err
	}
	gf := ds.GetFile()
	f := &evidence.File{ID: id, Size: gf.Length}
	var meta fileMeta
	if err := bson.Unmarshal(gf.Metadata, &meta); err != nil {
		ds.Close()
		return nil, nil, err
	}
	f.ContentType, f.StoredAt = meta.ContentType, utc(meta.StoredAt)
	return f, ds, nil
}

type linkDoc struct {
	ID          string    `bson:"_id"` // recognition|criterion|file
	File        string    `bson:"file"`
	Recognition string    `bson:"recognition"`
	Criterion   string    `bson:"criterion"`
	Path        []string  `bson:"path"`
	Name        string    `bson:"name"`
	LinkedBy    string    `bson:"linkedBy"`
	LinkedAt    time.Time `bson:"linkedAt"`
}

// LinkFile implements evidence.Store.
func (db *DB) LinkFile(ctx context.Context, l *evidence.Link) (err error) {
	defer errs.Wrap(&err, "mongo: LinkFile %s", l.File)
	if _, err := db.GetFile(ctx, l.File); err != nil {
		return err
	}
	_, err = db.coll(collEvidenceLinks).InsertOne(ctx, linkDoc{ID: l.Recognition + "|" + l.Criterion + "|" + l.File, File: l.File,
		Recognition: l.Recognition, Criterion: l.Criterion, Path: nonNil(l.Path), Name: l.Name, LinkedBy: l.LinkedBy, LinkedAt: l.LinkedAt.UTC()})
	if isDup(err) {
		return nil
	}
	return err
}

func (db *DB) links(ctx context.Context, field, value string) ([]*evidence.Link, error) {
	cur, err := db.coll(collEvidenceLinks).Find(ctx, bson.D{{Key: field, Value: value}},
		options.Find().SetSort(bson.D{{Key: "linkedAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []linkDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*evidence.Link, 0, len(docs))
	for _, d := range docs {
		out = append(out, &evidence.Link{File: d.File, Recognition: d.Recognition, Criterion: d.Criterion, Path: unitpath.Path(d.Path),
			Name: d.Name, LinkedBy: d.LinkedBy, LinkedAt: utc(d.LinkedAt)})
	}
	return out, nil
}

// Links implements evidence.Store.
func (db *DB) Links(ctx context.Context, recognition string) (_ []*evidence.Link, err error) {
	defer errs.Wrap(&err, "mongo: Links %s", recognition)
	return db.links(ctx, "recognition", recognition)
}

// LinksOfFile implements evidence.Store.
func (db *DB) LinksOfFile(ctx context.Context, file string) (_ []*evidence.Link, err error) {
	defer errs.Wrap(&err, "mongo: LinksOfFile %s", file)
	return db.links(ctx, "file", file)
}
