package learning

import (
	"context"

	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Store keeps recognitions. Implementations (to come): internal/store/sqlite
// (a table keyed by id with the path key column, as units and members have)
// and internal/store/mongo (one document per recognition, with the
// indexes below declared in indexes.go); both must pass
// internal/store/storetest. Assessments and evidence links live inside the
// record, so every transition is one single-record write: no transaction.
type Store interface {
	// CreateRecognition inserts r (Version 1). An existing id is
	// errs.Conflict; so is a second record of the same kind, unit, name
	// (folded: vntext.Fold) and year that is not refused — one model is
	// proposed once a year (index: kind, unitId, folded name, year).
	CreateRecognition(ctx context.Context, r *Recognition) error
	// GetRecognition returns the record or errs.NotFound.
	GetRecognition(ctx context.Context, id string) (*Recognition, error)
	// UpdateRecognition writes r if the stored version is r.Version-1
	// (compare-and-swap: errs.VersionMismatch, or errs.NotFound when gone).
	UpdateRecognition(ctx context.Context, r *Recognition) error
	// ListRecognitions lists the records of a subtree (the path prefix of
	// top) matching f, newest year first then by id (index: path, year, id).
	ListRecognitions(ctx context.Context, top unitpath.Path, f Filter, p page.Request) (page.Result[*Recognition], error)
	// RecognisedAt lists the recognised records of one unit (not its
	// subtree), for a recount of its own contribution (UnitOn; index:
	// unitId, status).
	RecognisedAt(ctx context.Context, unitID string) ([]*Recognition, error)
	// RenewalOf returns the record that renews id, or errs.NotFound, so
	// that a model is renewed once (index: renewalOf).
	RenewalOf(ctx context.Context, id string) (*Recognition, error)
}

// Filter narrows a list; zero fields do not filter.
type Filter struct {
	Kind   string
	Year   int
	Status Status
}
