// Package records is the service of issue 20's records: learning-model
// recognitions and their evidence, the study-promotion fund and
// scholarships. The rules are the pure packages' (internal/learning,
// evidence, fund, scholarships); this package decides scope and role for
// every call (a record outside the caller's scope is not found, a change
// beyond its role forbidden, as the units and members services do),
// records every write in the audit trail, and marks the counters of what
// it writes through counting.Around (counted.go).
//
// # Files
//
//   - service.go: the Service and what it is built on.
//   - recognitions.go: propose, assess, recognise, refuse, renew, get, list.
//   - evidence.go: upload (streamed through evidence.Intake into a spool,
//     typed by content, size-limited) and download.
//   - fund.go: entries, reversals, the ledger, the balance as of a day.
//   - awards.go: scholarships.
//   - audit.go: how each record is written into the trail.
//   - counted.go: which counted facts each write touches.
package records

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// Store is what the service keeps its records in.
type Store interface {
	learning.Store
	evidence.Store
	fund.Store
	scholarships.Store
}

// Units loads a unit and authorises an action there for a caller
// (units.Service.Load).
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
}

// Members finds the member a household's record links to
// (members.Service.Get: the caller must be allowed to read it).
type Members interface {
	Get(ctx context.Context, c *access.Caller, id string) (*members.Member, error)
}

// Figures reads the counted figures (rollups.Service): a fund's balance
// is the tally's, as every other figure is, never a second sum.
type Figures interface {
	FundBalance(ctx context.Context, c *access.Caller, unitID string, d civil.Date) (*rollups.FundBalance, error)
}

// Service keeps issue 20's records.
type Service struct {
	store   Store
	units   Units
	members Members
	counts  counting.Counts
	figures Figures
	log     audit.Log
	now     func() time.Time
	cat     *learning.Catalogue
	policy  evidence.Policy
	// spoolDir is where uploads are spooled while they are checked ("":
	// the system's temporary directory).
	spoolDir string
}

// Option configures a Service.
type Option func(*Service)

// WithCatalogue replaces the Vietnam Study Promotion Association's
// catalogue of kinds and criteria (learning.Default) with another
// association's.
func WithCatalogue(c *learning.Catalogue) Option { return func(s *Service) { s.cat = c } }

// WithEvidencePolicy sets the types and size of evidence accepted.
func WithEvidencePolicy(p evidence.Policy) Option { return func(s *Service) { s.policy = p } }

// WithSpoolDir sets the directory uploads are spooled in.
func WithSpoolDir(dir string) Option { return func(s *Service) { s.spoolDir = dir } }

// NewService returns the Service on store, finding units in units and
// members in members, keeping counts current through counts (never nil:
// counting.Uncounted to say that nothing is counted), reading the fund's
// balance from figures and recording every change in log; now is the
// clock.
func NewService(store Store, units Units, members Members, counts counting.Counts, figures Figures, log audit.Log, now func() time.Time, opts ...Option) *Service {
	if figures == nil {
		panic("records.NewService: nil figures (the fund's balance is read from the counting)")
	}
	if now == nil {
		now = time.Now
	}
	s := &Service{store: store, units: units, members: members, counts: counting.Required("records.NewService", counts), figures: figures,
		log: audit.Required("records.NewService", log), now: now, cat: learning.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Catalogue is the kinds of learning model and their criteria, which
// anyone signed in may read (it is the association's published rules).
func (s *Service) Catalogue() *learning.Catalogue { return s.cat }

// openUnit loads unit unitID for the caller to write obj there, and
// refuses a closed unit: it takes no new records.
func (s *Service) openUnit(ctx context.Context, c *access.Caller, unitID string, obj access.Object) (*units.Unit, error) {
	u, err := s.units.Load(ctx, c, unitID, obj, access.Write)
	if err != nil {
		return nil, err
	}
	if u.Status != units.Active {
		return nil, errs.E(errs.Conflict, "unit %s is closed", u.ID)
	}
	return u, nil
}
