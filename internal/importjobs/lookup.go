package importjobs

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/vntext"
)

// maxNamePages bounds the name search of a row whose birth year is not
// known (a row with one is looked up by its name key): a common name in a
// province fills pages, and the rows that share it are asked about anyway.
const maxNamePages = 5

// lookup runs the searches p.Lookups names, below the import's unit: the
// national ID anywhere (a holder outside the unit makes the row an error,
// and is not shown), the card number in the branch, the name in the unit.
func (r *run) lookup(ctx context.Context, p *imports.Parsed, branch unitpath.Path) ([]members.Member, error) {
	l := p.Lookups()
	var found []members.Member
	if l.NationalID != "" {
		m, err := r.s.store.ActiveMemberByNationalID(ctx, l.NationalID)
		switch {
		case err == nil && !m.Path.Contains(r.unit.ID):
			p.Fail(imports.NationalID, "an active member outside this unit holds this national ID")
			return nil, nil
		case err == nil:
			found = append(found, *m)
		case !errs.Is(err, errs.NotFound):
			return nil, err
		}
	}
	if l.MemberNo != "" {
		ms, err := r.s.store.MembersByNumber(ctx, branch, l.MemberNo)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			found = append(found, *m)
		}
	}
	if l.FullName != "" && l.BirthYear != 0 {
		// The namesakes born that year or with no birth date known: the
		// only ones Decide can match by name (exactly or loosely).
		ms, err := r.s.store.MembersByName(ctx, r.unit.Path, members.NameKeysOf(l.FullName, l.BirthYear))
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			found = append(found, *m)
		}
	} else if l.FullName != "" {
		words := (&members.Member{FullName: l.FullName}).NameWords()
		folded := vntext.Fold(l.FullName)
		q := members.Query{Path: r.unit.Path, Words: words, Page: page.Request{Limit: page.MaxLimit}}
		for i := 0; i < maxNamePages; i++ {
			res, err := r.s.store.ListMembers(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, m := range res.Items {
				if vntext.Fold(m.FullName) == folded {
					found = append(found, *m)
				}
			}
			if res.Next == "" {
				break
			}
			q.Page.Cursor = res.Next
		}
	}
	return found, nil
}

// remember records the keys of a row done before a resume, so that a
// later repeat of it is still an error.
func (r *run) remember(p imports.Parsed) {
	if !p.OK() {
		return
	}
	if b, _, _ := r.branches.resolve(p.Branch); b != nil {
		r.repeats(&p, b.ID)
	}
}

// repeats fails a row that repeats an earlier row of the file: the same
// national ID, the same card number in the branch, or the same name and
// birth date in the branch.
func (r *run) repeats(p *imports.Parsed, branchID string) {
	in := p.Input
	check := func(field imports.Field, key, what string) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(key))
		k := h.Sum64()
		if first, ok := r.seen.first(k); ok {
			if first != p.Row {
				p.Fail(field, fmt.Sprintf("row %d gives the same %s; merge the two rows", first, what))
			}
			return
		}
		r.seen.add(k, p.Row)
	}
	if in.NationalID != "" {
		check(imports.NationalID, "id\x00"+in.NationalID, "national ID")
	}
	if in.MemberNo != "" {
		check(imports.MemberNo, "no\x00"+branchID+"\x00"+in.MemberNo, "member number in this branch")
	}
	if in.NationalID == "" && p.BirthYear == 0 {
		check(imports.FullName, "nb\x00"+branchID+"\x00"+vntext.Fold(in.FullName)+"\x00"+in.BirthDate.String(), "name and birth date in this branch")
	}
}
