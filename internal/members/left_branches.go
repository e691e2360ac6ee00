package members

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
)

// pastFacts are the counted facts every period of a member counts: a
// correction of one changes the past days of each branch the member was
// ever in, not only of the branch it is in now.
const pastFacts = counting.Gender | counting.BirthYear | counting.Dates

// leftBranches are the paths of the branches m had periods in besides its
// branch now, when ev corrects a fact every period counts: they must be
// marked with it (rollups/doc.go, 3: a change marks each unit whose facts
// it changes), or their kept month ends would count the member as it was
// until something else recounted them. Read as the system: the caller
// need not see those branches, and nothing of them is shown. A branch
// since removed has no tally to mark.
func (s *Service) leftBranches(ctx context.Context, m *Member, ev *Event) ([][]string, error) {
	if ev.Type != Updated || Touched(ev)&pastFacts == 0 {
		return nil, nil
	}
	seen := map[string]bool{m.BranchID: true}
	sys := access.System("counting")
	var out [][]string
	for _, st := range m.Stints {
		if seen[st.BranchID] {
			continue
		}
		seen[st.BranchID] = true
		u, err := s.units.Load(ctx, sys, st.BranchID, access.ObjMember, access.Read)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u.Path)
	}
	return out, nil
}
