package importjobs

import (
	"context"
	"fmt"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// branches are the branches below an import's unit, found by id, code or
// name (folded): a row names its branch by one of them.
type branches struct {
	unit   *units.Unit
	byID   map[string]*units.Unit
	byText map[string][]*units.Unit
}

// loadBranches walks the unit's subtree as the caller sees it.
func loadBranches(ctx context.Context, us Units, c *access.Caller, unit *units.Unit) (*branches, error) {
	b := &branches{unit: unit, byID: map[string]*units.Unit{}, byText: map[string][]*units.Unit{}}
	add := func(u *units.Unit) {
		b.byID[u.ID] = u
		b.byText[vntext.Fold(u.Code)] = append(b.byText[vntext.Fold(u.Code)], u)
		if f := vntext.Fold(u.Name); f != vntext.Fold(u.Code) {
			b.byText[f] = append(b.byText[f], u)
		}
	}
	var walk func(u *units.Unit) error
	walk = func(u *units.Unit) error {
		if u.Level == units.Branch {
			add(u)
			return nil
		}
		return page.Each(func(p page.Request) (page.Result[*units.Unit], error) { return us.Children(ctx, c, u.ID, p) }, walk)
	}
	return b, walk(unit)
}

// resolve finds the branch a row names, or says why it cannot: a branch
// is named by id, or by a code or name unique below the unit; a row that
// names none belongs to the unit when it is a branch.
func (b *branches) resolve(ref imports.BranchRef) (*units.Unit, imports.Field, string) {
	switch {
	case ref.ID != "":
		if u := b.byID[ref.ID]; u != nil {
			return u, "", ""
		}
		return nil, imports.BranchID, fmt.Sprintf("no branch %s below %s", ref.ID, b.unit.Name)
	case ref.Text != "":
		found := b.byText[vntext.Fold(ref.Text)]
		switch len(found) {
		case 1:
			return found[0], "", ""
		case 0:
			return nil, imports.BranchCode, fmt.Sprintf("no branch with the code or name %q below %s", ref.Text, b.unit.Name)
		}
		return nil, imports.BranchCode, fmt.Sprintf("%d branches below %s have the code or name %q; give the branch's code or id", len(found), b.unit.Name, ref.Text)
	case b.unit.Level == units.Branch:
		return b.unit, "", ""
	}
	return nil, imports.BranchCode, fmt.Sprintf("the row names no branch; importing into %s, every row needs one", b.unit.Name)
}
