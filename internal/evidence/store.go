package evidence

import (
	"context"
	"io"
	"time"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// File is one stored evidence file: its bytes are named by their hash, so
// a file is stored once however many recognitions show it.
type File struct {
	ID          string    `json:"id"` // SHA-256, hex (ValidID)
	Size        int64     `json:"size"`
	ContentType string    `json:"contentType"` // from Policy.Check, never the client's
	StoredAt    time.Time `json:"storedAt"`
}

// Link shows a file for one criterion of one recognition. It carries the
// recognition's path, so that the file is scoped like the record: a caller
// may read a file only through a link within its scope.
type Link struct {
	File        string        `json:"file"`
	Recognition string        `json:"recognition"`
	Criterion   string        `json:"criterion"`
	Path        unitpath.Path `json:"path"`
	// Name is the name it was uploaded under, for the download's
	// Content-Disposition only: the type is File.ContentType.
	Name     string    `json:"name"`
	LinkedBy string    `json:"linkedBy"`
	LinkedAt time.Time `json:"linkedAt"`
}

// Store keeps evidence files and their links. Implementations (to come):
// internal/store/sqlite (the bytes as blobs, read and written in chunks
// through incremental blob I/O, never whole in memory) and
// internal/store/mongo (GridFS, the file id as the GridFS _id, so that the
// id is unique by construction without a transaction); both must pass
// internal/store/storetest.
type Store interface {
	// PutFile stores content as f unless a file with f.ID is stored
	// already, in which case it writes nothing and returns created=false
	// (two concurrent puts of the same file both succeed, one creates).
	// content is exactly the bytes that hash to f.ID (the caller checked
	// them through an Intake); a put that fails leaves no partial file
	// visible to GetFile or OpenFile.
	PutFile(ctx context.Context, f *File, content io.Reader) (created bool, err error)
	// GetFile returns the file's record, or errs.NotFound.
	GetFile(ctx context.Context, id string) (*File, error)
	// OpenFile streams the file's bytes, or errs.NotFound. The caller
	// closes it, and wraps it in Verifying.
	OpenFile(ctx context.Context, id string) (*File, io.ReadCloser, error)
	// LinkFile records l; the same file, recognition and criterion linked
	// again changes nothing. errs.NotFound when the file is not stored.
	LinkFile(ctx context.Context, l *Link) error
	// Links lists the links of a recognition, in the order linked.
	Links(ctx context.Context, recognition string) ([]*Link, error)
	// LinksOfFile lists the links showing a file, so that a download is
	// allowed when one of them is in the caller's scope.
	LinksOfFile(ctx context.Context, file string) ([]*Link, error)
}
