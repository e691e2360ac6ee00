package units

import (
	"context"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// PathRewriter rewrites every stored copy of the paths of a moved subtree:
// every record whose path lies within from (the subtree's top before the
// move) gets to in place of from. It is the one list of what carries a
// path; a store adds a record kind here or a move leaves it behind.
//
// It is a resumable job: each call rewrites at most limit records (a
// default when limit < 1) and returns the cursor to continue from, "" once
// every record has followed. Start with after = "". A call interrupted at
// any record (a crash, a cancelled context) is finished by calling again
// with the last cursor returned, or with "": records already rewritten
// lie outside from and are not touched again, and a record changed
// meanwhile is rewritten from what it is now. Records with a version are
// bumped, so that a compare-and-swap prepared before the rewrite fails
// rather than writing the old path back.
//
// It rewrites paths only: the parent of the moved top (in its unit and
// its counters), the level rules and the tallies are the move's (issue
// 18), and so is keeping writers off the subtree meanwhile: a record
// written with the old path after its kind was passed (a member created
// in a branch read before the move, or renamed behind Mongo's sort-key
// cursor) is not followed until the job is run again. to within from is
// errs.Validation.
type PathRewriter interface {
	RewritePaths(ctx context.Context, from, to unitpath.Path, after string, limit int) (next string, err error)
}

// RewriteLimit is the batch of a RewritePaths call when none is given.
const RewriteLimit = 500

// RewriteKind is one kind of record a store rewrites, in the order given
// to RunRewrite. Step rewrites at most limit records of the kind after the
// kind's own cursor (a key of the store's choosing, "" at first) and
// returns the cursor of the last record it rewrote and how many it looked
// at: fewer than limit means the kind is done.
type RewriteKind struct {
	Name string
	Step func(ctx context.Context, from, to unitpath.Path, after string, limit int) (last string, n int, err error)
}

// RunRewrite is the part of RewritePaths every store shares: it checks
// the move, reads the cursor ("<kind>:<key>"), runs one step of the kind
// it names and says where to continue, so that adapters only translate
// each kind's step into their queries.
func RunRewrite(ctx context.Context, from, to unitpath.Path, after string, limit int, kinds []RewriteKind) (string, error) {
	if len(from) == 0 || len(to) == 0 || from.Unit() != to.Unit() {
		return "", errs.E(errs.Validation, "a path rewrite moves a unit: from %v and to %v must end with the same unit", from, to)
	}
	if to.IsWithin(from) {
		if len(to) == len(from) {
			return "", nil // nothing moves
		}
		return "", errs.E(errs.Validation, "unit %s cannot move below itself", from.Unit())
	}
	if limit < 1 {
		limit = RewriteLimit
	}
	i, key := 0, ""
	if after != "" {
		name, k, _ := strings.Cut(after, ":")
		i = -1
		for j, kind := range kinds {
			if kind.Name == name {
				i = j
			}
		}
		if i < 0 {
			return "", errs.E(errs.Validation, "unknown path rewrite cursor %q", after)
		}
		key = k
	}
	kind := kinds[i]
	last, n, err := kind.Step(ctx, from, to, key, limit)
	if err != nil {
		return "", err
	}
	switch {
	case n >= limit:
		return kind.Name + ":" + last, nil
	case i+1 < len(kinds):
		return kinds[i+1].Name + ":", nil
	}
	return "", nil
}
