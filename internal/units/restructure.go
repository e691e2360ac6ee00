package units

import (
	"context"
	"fmt"
	"slices"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

// Waiting is a branch of an old unit split among several new ones
// ("partial"): a person says which new commune it goes to (an
// assignment), and until then it stays where it was.
type Waiting struct {
	BranchID   string
	BranchCode string
	OldCommune string   // the old commune's code
	Candidates []string // the codes of the new communes it may go to
}

// ProvinceChange is what a reform plan does (or, in a dry run, would do)
// to one new province.
type ProvinceChange struct {
	Code, Name      string
	CreatedProvince bool
	RenamedProvince bool
	CreatedCommunes int
	MovedBranches   int
	Recoded         []Recoded // branches whose code a new sibling held
	Waiting         []Waiting
	ClosedCommunes  int
	ClosedDistricts int
	ClosedProvinces int
	MissingOldUnits []string // old codes the plan names that the tree does not hold
	SourceProvinces []string
	PartialCommunes int // old communes split among several new ones
}

// Restructure applies a reform plan (ParseReform) to the tree: it creates
// the new provinces and communes (or finds them by code), moves every
// active branch of an old commune absorbed whole ("full") under the new
// commune, moves the branches of old communes absorbed in part
// ("partial") that assign names (branch id → new commune code), lists the
// others as Waiting, and closes every old commune, district and province
// left with nothing active, with mergedInto the unit that took it over.
// With dryRun it reads the tree and says what it would do, changing
// nothing.
//
// Old communes are those that sit under a district (the tree before the
// reform); new ones sit directly under a province. The caller must be
// allowed to write units at every province the plan names, new or old.
// Each step is a move, a create or a close that is safe to repeat: a run
// interrupted anywhere is finished by running it again with the same plan
// (moved branches are no longer in the old communes; created units are
// found by their codes).
func (s *Service) Restructure(ctx context.Context, c *access.Caller, plan []ReformArea, assign map[string]string, dryRun bool) ([]ProvinceChange, error) {
	// The root is read as stored: a manager of the provinces concerned
	// need not see it (each province is authorised below).
	root, err := s.store.GetUnit(ctx, RootID)
	if err != nil {
		return nil, err
	}
	r := &reform{s: s, c: c, dry: dryRun, assign: assign, codes: map[string]map[string]bool{}}
	if err := r.indexOld(ctx, root, plan); err != nil {
		return nil, err
	}
	var out []ProvinceChange
	for _, p := range plan {
		ch, err := r.province(ctx, root, p)
		if err != nil {
			return out, fmt.Errorf("province %s %s: %w", p.Code, p.Name, err)
		}
		out = append(out, ch)
		if !dryRun {
			if err := s.recordReform(ctx, c, root, ch); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// recordReform records what a plan did to one new province, in one entry
// at the province: its creates, moves, recodings and closes have entries
// of their own, and this one says which plan they were the parts of.
func (s *Service) recordReform(ctx context.Context, c *access.Caller, root *Unit, ch ProvinceChange) error {
	at := root.Path
	if p, err := s.store.GetChildByCode(ctx, root.ID, ch.Code); err == nil {
		at = p.Path
	}
	id, name := actor(c)
	return s.log.Access(ctx, (&audit.Entry{Action: audit.Update, ObjectType: audit.ObjRestructure, ObjectID: ch.Code, Path: at,
		Detail: audit.JSON(map[string]any{"province": ch.Code, "name": ch.Name, "sourceProvinces": ch.SourceProvinces,
			"createdCommunes": ch.CreatedCommunes, "movedBranches": ch.MovedBranches, "recoded": len(ch.Recoded),
			"waiting": len(ch.Waiting), "closedCommunes": ch.ClosedCommunes, "closedDistricts": ch.ClosedDistricts,
			"closedProvinces": ch.ClosedProvinces})}).By(id, name))
}

type reform struct {
	s      *Service
	c      *access.Caller
	dry    bool
	assign map[string]string

	oldProvinces map[string]*Unit // by code
	oldCommunes  map[string]*Unit // by code: communes under a district
	districts    map[string]*Unit // by id
	oldDistricts map[string]*Unit // by code: an island district without communes is a source itself
	// open counts the active children of old units (communes: branches,
	// districts: communes, provinces: districts) as the run goes.
	open map[string]int
	// codes holds the codes of each new commune's children (by its code),
	// so that clashes are found in a dry run as in a real one.
	codes map[string]map[string]bool
}

// indexOld reads the old provinces the plan names and their districts and
// communes.
func (r *reform) indexOld(ctx context.Context, root *Unit, plan []ReformArea) error {
	r.oldProvinces, r.oldCommunes, r.districts, r.open = map[string]*Unit{}, map[string]*Unit{}, map[string]*Unit{}, map[string]int{}
	r.oldDistricts = map[string]*Unit{}
	for _, p := range plan {
		for _, src := range p.Sources {
			if _, done := r.oldProvinces[src.Code]; done {
				continue
			}
			prov, err := r.s.store.GetChildByCode(ctx, root.ID, src.Code)
			if errs.Is(err, errs.NotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := r.c.Authorize(prov.Path, access.ObjUnit, access.Write, "unit"); err != nil {
				return access.NotFound(err, "unit")
			}
			r.oldProvinces[src.Code] = prov
			ds, err := r.s.activeChildList(ctx, prov.ID)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d.Level != District {
					continue
				}
				r.open[prov.ID]++
				r.districts[d.ID] = d
				r.oldDistricts[d.Code] = d
				cs, err := r.s.activeChildList(ctx, d.ID)
				if err != nil {
					return err
				}
				for _, cm := range cs {
					r.open[d.ID]++
					r.oldCommunes[cm.Code] = cm
				}
			}
		}
	}
	return nil
}

// activeChildList lists every active child of a unit.
func (s *Service) activeChildList(ctx context.Context, id string) ([]*Unit, error) {
	var out []*Unit
	p := page.Request{Limit: page.MaxLimit}
	for {
		res, err := s.store.ListChildren(ctx, id, p)
		if err != nil {
			return nil, err
		}
		for _, u := range res.Items {
			if u.Status == Active {
				out = append(out, u)
			}
		}
		if res.Next == "" {
			return out, nil
		}
		p.Cursor = res.Next
	}
}

func (r *reform) province(ctx context.Context, root *Unit, p ReformArea) (ProvinceChange, error) {
	ch := ProvinceChange{Code: p.Code, Name: p.Name}
	prov, created, renamed, err := r.ensure(ctx, root, p)
	if err != nil {
		return ch, err
	}
	ch.CreatedProvince, ch.RenamedProvince = created, renamed
	if prov != nil {
		if err := r.c.Authorize(prov.Path, access.ObjUnit, access.Write, "unit"); err != nil {
			return ch, access.NotFound(err, "unit")
		}
	}
	// Old communes split among several new ones: where each may go.
	partial := map[string][]string{}
	for _, nc := range p.Children {
		for _, src := range nc.Sources {
			if !src.Full {
				partial[src.Code] = append(partial[src.Code], nc.Code)
			}
		}
	}
	ch.PartialCommunes = len(partial)
	newCommunes := map[string]*Unit{}
	takenBy := map[string]*Unit{} // old commune code → the new commune that closes it
	for _, nc := range p.Children {
		u, created, _, err := r.ensure(ctx, prov, nc)
		if err != nil {
			return ch, err
		}
		if created {
			ch.CreatedCommunes++
		}
		newCommunes[nc.Code] = u
		for _, src := range nc.Sources {
			old, ok := r.oldCommunes[src.Code]
			if d, isDistrict := r.oldDistricts[src.Code]; !ok && isDistrict {
				// A district with no communes (an island district) the
				// plan names as a source: closed into the new commune.
				if r.open[d.ID] == 0 && d.Status == Active {
					if err := r.close(ctx, d, u); err != nil {
						return ch, err
					}
					d.Status = Closed
					ch.ClosedDistricts++
					r.open[d.ParentID]--
				}
				continue
			}
			if !ok {
				if _, split := partial[src.Code]; !split || src.Full {
					ch.MissingOldUnits = append(ch.MissingOldUnits, src.Code)
				}
				continue
			}
			if _, split := partial[src.Code]; split {
				continue // after every new commune exists
			}
			takenBy[src.Code] = u
			if err := r.moveBranches(ctx, old, nc.Code, u, func(*Unit) bool { return true }, &ch); err != nil {
				return ch, err
			}
		}
	}
	for oldCode, candidates := range sortedMap(partial) {
		old, ok := r.oldCommunes[oldCode]
		if !ok {
			ch.MissingOldUnits = append(ch.MissingOldUnits, oldCode)
			continue
		}
		takenBy[oldCode] = newCommunes[candidates[0]]
		err := r.moveBranchesTo(ctx, old, func(b *Unit) (string, bool) {
			to, ok := r.assign[b.ID]
			if !ok || !slices.Contains(candidates, to) {
				ch.Waiting = append(ch.Waiting, Waiting{BranchID: b.ID, BranchCode: b.Code, OldCommune: oldCode, Candidates: candidates})
				return "", false
			}
			return to, true
		}, newCommunes, &ch)
		if err != nil {
			return ch, err
		}
	}
	// Close what was emptied: communes, then their districts, then the old
	// provinces other than the new one.
	for _, oldCode := range sortedKeys(takenBy) {
		old := r.oldCommunes[oldCode]
		if r.open[old.ID] > 0 {
			continue
		}
		if err := r.close(ctx, old, takenBy[oldCode]); err != nil {
			return ch, err
		}
		ch.ClosedCommunes++
		d := r.districts[old.ParentID]
		if r.open[d.ID]--; r.open[d.ID] > 0 {
			continue
		}
		if err := r.close(ctx, d, prov); err != nil {
			return ch, err
		}
		ch.ClosedDistricts++
		r.open[d.ParentID]--
	}
	for _, src := range p.Sources {
		ch.SourceProvinces = append(ch.SourceProvinces, src.Code)
		old, ok := r.oldProvinces[src.Code]
		if !ok {
			ch.MissingOldUnits = append(ch.MissingOldUnits, src.Code)
			continue
		}
		if src.Code == p.Code || r.open[old.ID] > 0 {
			continue
		}
		if err := r.close(ctx, old, prov); err != nil {
			return ch, err
		}
		ch.ClosedProvinces++
	}
	return ch, nil
}

// ensure finds a's unit under parent by code, creating it or correcting
// its name. In a dry run a missing unit is nil (nothing lies under it).
func (r *reform) ensure(ctx context.Context, parent *Unit, a ReformArea) (u *Unit, created, renamed bool, err error) {
	if parent != nil {
		u, err = r.s.store.GetChildByCode(ctx, parent.ID, a.Code)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, false, false, err
		}
	}
	switch {
	case u == nil && r.dry:
		return nil, true, false, nil
	case u == nil:
		u, err = r.s.create(ctx, r.c, parent, NewUnit{Level: a.Level, Name: a.Name, Code: a.Code}, true)
		return u, true, false, err
	case u.Name == a.Name:
		return u, false, false, nil
	case r.dry:
		return u, false, true, nil
	}
	name := a.Name
	u, err = r.s.update(ctx, r.c, u, Patch{Name: &name})
	return u, false, true, err
}

// moveBranches moves the active branches of old that pick chooses to the
// new commune to (code toCode).
func (r *reform) moveBranches(ctx context.Context, old *Unit, toCode string, to *Unit, pick func(*Unit) bool, ch *ProvinceChange) error {
	return r.moveBranchesTo(ctx, old, func(b *Unit) (string, bool) { return toCode, pick(b) }, map[string]*Unit{toCode: to}, ch)
}

// moveBranchesTo moves each active branch of old to the new commune whose
// code where names (none: it stays).
func (r *reform) moveBranchesTo(ctx context.Context, old *Unit, where func(*Unit) (string, bool), newCommunes map[string]*Unit, ch *ProvinceChange) error {
	branches, err := r.s.activeChildList(ctx, old.ID)
	if err != nil {
		return err
	}
	r.open[old.ID] = len(branches) // each old commune is emptied once
	for _, b := range branches {
		if b, err = r.s.finishMove(ctx, r.c, b); err != nil {
			return err
		}
		if b.ParentID != old.ID {
			continue
		}
		toCode, ok := where(b)
		if !ok {
			continue
		}
		to := newCommunes[toCode]
		code, err := r.uniqueCode(ctx, to, toCode, b, old)
		if err != nil {
			return err
		}
		if code != b.Code {
			ch.Recoded = append(ch.Recoded, Recoded{UnitID: b.ID, OldCode: b.Code, NewCode: code})
		}
		ch.MovedBranches++
		r.open[old.ID]--
		if r.dry {
			continue
		}
		if code != b.Code {
			if b, err = r.s.update(ctx, r.c, b, Patch{Code: &code}); err != nil {
				return err
			}
		}
		if _, err := r.s.move(ctx, r.c, b, to.Path.Child(b.ID)); err != nil {
			return err
		}
	}
	return nil
}

// uniqueCode is a code for b among the children of the new commune to
// (code toCode; nil in a dry run when it does not exist yet): its own,
// else "<code>-<old commune code>", else that with a number.
func (r *reform) uniqueCode(ctx context.Context, to *Unit, toCode string, b, old *Unit) (string, error) {
	taken, ok := r.codes[toCode]
	if !ok {
		taken = map[string]bool{}
		if to != nil {
			kids, err := r.s.activeChildList(ctx, to.ID)
			if err != nil {
				return "", err
			}
			for _, k := range kids {
				taken[k.Code] = true
			}
		}
		r.codes[toCode] = taken
	}
	code := b.Code
	for i := 1; taken[code]; i++ {
		code = fmt.Sprintf("%s-%s", b.Code, old.Code)
		if i > 1 {
			code = fmt.Sprintf("%s-%s-%d", b.Code, old.Code, i)
		}
	}
	taken[code] = true
	return code, nil
}

// close closes an emptied old unit, pointing to the one that took it over.
func (r *reform) close(ctx context.Context, u, into *Unit) error {
	r.open[u.ID] = 0
	if r.dry {
		return nil
	}
	_, err := r.s.closeMerged(ctx, r.c, u.ID, into.ID)
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sortedMap ranges over m in key order, so that two runs report alike.
func sortedMap[V any](m map[string]V) func(func(string, V) bool) {
	return func(yield func(string, V) bool) {
		for _, k := range sortedKeys(m) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// PlanRequest is a reform plan carried in the binary (vnadmin) to apply:
// the whole plan or one new province's part of it.
type PlanRequest struct {
	Plan     string            // a carried tree, "2025-07"
	Province string            // "" for the whole plan
	Assign   map[string]string // branch id → new commune code
	DryRun   bool
}

// ApplyPlan is Restructure with a plan carried in the binary (the HTTP
// API's): the caller must be allowed to write units at every province the
// part of the plan names, new or old.
func (s *Service) ApplyPlan(ctx context.Context, c *access.Caller, req PlanRequest) ([]ProvinceChange, error) {
	if req.Plan == "" {
		req.Plan = string(vnadmin.Current)
	}
	r, err := vnadmin.Open(vnadmin.Tree(req.Plan))
	if err != nil {
		return nil, (errs.Fields{{Field: "plan", Message: err.Error()}}).Err()
	}
	defer r.Close()
	plan, err := ParseReform(r, req.Province)
	if err != nil {
		return nil, (errs.Fields{{Field: "province", Message: err.Error()}}).Err()
	}
	return s.Restructure(ctx, c, plan, req.Assign, req.DryRun)
}
