package records

import (
	"context"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// The counted facts each write touches (internal/learning/doc.go,
// "Counting"): a recognition only when it becomes recognised, on the
// decision day; a fund entry or a reversal on its date; an award on its
// date. Proposing, assessing, attaching evidence and refusing touch none.
// Each write goes through counting.Around with its path and that day, so
// the live tally and every kept day from it on are recounted behind it.
var (
	recognitionFacts = counting.Recognitions
	fundFacts        = counting.Fund
	awardFacts       = counting.Awards
)

// write stores a record's change (write) with its audit entry e, marking
// the counters of path from day on for facts (counting.None: nothing
// counted changes, nothing is marked).
func (s *Service) write(ctx context.Context, path unitpath.Path, day civil.Date, facts counting.Facts, e *audit.Entry, write func(ctx context.Context) error) error {
	return counting.Around(ctx, s.counts, [][]string{path}, day, facts, func() error { return s.log.Change(ctx, e, write) })
}
