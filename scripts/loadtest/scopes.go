package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
)

// tree is the province as the load test sees it.
type tree struct {
	province  unit
	districts []unit // empty in a tree without districts (2025-07)
	communes  []unit
	branches  []branch
}

type branch struct {
	unit
	commune  int // index into communes
	district int // index into districts, -1 without districts
}

// discover walks the province's subtree through the API.
func discover(ctx context.Context, admin *client, code string) (*tree, error) {
	var root unit
	if _, err := admin.do(ctx, http.MethodGet, "/api/v1/units/root", nil, &root); err != nil {
		return nil, err
	}
	provinces, err := admin.children(ctx, root.ID)
	if err != nil {
		return nil, err
	}
	t := &tree{}
	for _, p := range provinces {
		if p.Code == code {
			t.province = p
		}
	}
	if t.province.ID == "" {
		return nil, fmt.Errorf("no province with code %s: seed it first (sohoi seed units, seed members)", code)
	}
	top, err := admin.children(ctx, t.province.ID)
	if err != nil {
		return nil, err
	}
	type communeOf struct {
		unit
		district int
	}
	var communes []communeOf
	for _, u := range top {
		if u.Level != "district" {
			communes = append(communes, communeOf{u, -1})
			continue
		}
		t.districts = append(t.districts, u)
		below, err := admin.children(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range below {
			communes = append(communes, communeOf{c, len(t.districts) - 1})
		}
	}
	for _, c := range communes {
		kids, err := admin.children(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, k := range kids {
			if k.Level == "branch" {
				t.branches = append(t.branches, branch{unit: k, commune: len(t.communes), district: c.district})
				n++
			}
		}
		if n > 0 {
			t.communes = append(t.communes, c.unit)
		}
	}
	if len(t.branches) == 0 {
		return nil, fmt.Errorf("province %s has no branches: run sohoi seed members first", code)
	}
	return t, nil
}

// users are the people the workload acts as, by the unit their grant is on.
// A request about a unit goes out as one of the users whose scope holds it,
// chosen at random, so reads are checked against every level of scope.
type users struct {
	province *client
	viewers  map[string]*client // district or commune id → its viewer
	writers  []*writer
	byBranch map[string][]*writer // branch id → writers who may write it
}

// writer is an editor on a branch or on a commune (whose branches it may
// transfer between); it remembers the members it created in this run.
type writer struct {
	*client
	branches []string

	mu      sync.Mutex
	created []createdMember
}

type createdMember struct{ id, branch string }

func (w *writer) remember(m createdMember) {
	w.mu.Lock()
	w.created = append(w.created, m)
	w.mu.Unlock()
}

// take removes one member this writer created from its list, so that no
// other worker changes it meanwhile (two changes of one member at once
// answer 412, which is the server being right, not a failure to measure);
// give puts it back. ok is false when there is none free.
func (w *writer) take(r *rand.Rand) (createdMember, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.created)
	if n == 0 {
		return createdMember{}, false
	}
	i := r.IntN(n)
	m := w.created[i]
	w.created[i] = w.created[n-1]
	w.created = w.created[:n-1]
	return m, true
}

func (w *writer) give(m createdMember) { w.remember(m) }

// userPlan says how many users of each kind to make.
type userPlan struct {
	districtViewers, communeViewers, branchEditors, communeEditors int
}

// makeUsers creates (or reuses) the load test's users as the admin and logs
// each one in.
// The editors' branches and communes are drawn with rw, the viewers' with r.
func makeUsers(ctx context.Context, admin *client, t *tree, plan userPlan, password string, r, rw *rand.Rand) (*users, error) {
	u := &users{viewers: map[string]*client{}, byBranch: map[string][]*writer{}}
	newUser := func(name, role, unitID string) (*client, error) {
		if err := admin.ensureUser(ctx, name, password, []grant{{Role: role, UnitID: unitID}}); err != nil {
			return nil, fmt.Errorf("creating %s: %w", name, err)
		}
		c := &client{base: admin.base, http: admin.http, username: name, password: password}
		return c, c.login(ctx)
	}
	var err error
	if u.province, err = newUser("lt.province.viewer", "viewer", t.province.ID); err != nil {
		return nil, err
	}
	for _, i := range sample(r, len(t.districts), plan.districtViewers) {
		d := t.districts[i]
		if u.viewers[d.ID], err = newUser("lt.viewer."+d.Code, "viewer", d.ID); err != nil {
			return nil, err
		}
	}
	for _, i := range sample(r, len(t.communes), plan.communeViewers) {
		c := t.communes[i]
		if u.viewers[c.ID], err = newUser("lt.viewer."+c.Code, "viewer", c.ID); err != nil {
			return nil, err
		}
	}
	addWriter := func(c *client, branches []string) {
		w := &writer{client: c, branches: branches}
		u.writers = append(u.writers, w)
		for _, b := range branches {
			u.byBranch[b] = append(u.byBranch[b], w)
		}
	}
	for _, i := range sample(rw, len(t.branches), plan.branchEditors) {
		b := t.branches[i]
		c, err := newUser("lt.editor."+b.ID, "editor", b.ID)
		if err != nil {
			return nil, err
		}
		addWriter(c, []string{b.ID})
	}
	for _, i := range sample(rw, len(t.communes), plan.communeEditors) {
		cm := t.communes[i]
		c, err := newUser("lt.editor."+cm.Code, "editor", cm.ID)
		if err != nil {
			return nil, err
		}
		var in []string
		for _, b := range t.branches {
			if b.commune == i {
				in = append(in, b.ID)
			}
		}
		addWriter(c, in)
	}
	return u, nil
}

// sample picks up to n distinct indexes below size.
func sample(r *rand.Rand, size, n int) []int {
	p := r.Perm(size)
	return p[:min(n, size)]
}

// readerOf picks a user allowed to read the branch: the province viewer, or
// the viewer of its district or commune, or one of its editors.
func (u *users) readerOf(t *tree, b branch, r *rand.Rand) *client {
	cands := []*client{u.province}
	if b.district >= 0 {
		if c := u.viewers[t.districts[b.district].ID]; c != nil {
			cands = append(cands, c)
		}
	}
	if c := u.viewers[t.communes[b.commune].ID]; c != nil {
		cands = append(cands, c)
	}
	for _, w := range u.byBranch[b.ID] {
		cands = append(cands, w.client)
	}
	return cands[r.IntN(len(cands))]
}

// readerOfUnit picks the unit's own viewer or the province viewer.
func (u *users) readerOfUnit(id string, r *rand.Rand) *client {
	if c := u.viewers[id]; c != nil && r.IntN(2) == 0 {
		return c
	}
	return u.province
}

// writtenSizes says how many active members the branches the editors write
// to hold, beside the province's mean per branch: writes to a branch
// recount it, so a run's figures depend on how big those branches are.
func writtenSizes(ctx context.Context, admin *client, t *tree, u *users) (string, error) {
	var roll struct {
		Totals struct {
			ActiveMembers int `json:"activeMembers"`
		} `json:"totals"`
	}
	active := func(id string) (int, error) {
		_, err := admin.do(ctx, http.MethodGet, "/api/v1/units/"+id+"/rollup", nil, &roll)
		return roll.Totals.ActiveMembers, err
	}
	all, err := active(t.province.ID)
	if err != nil {
		return "", err
	}
	largest, sum := 0, 0
	for id := range u.byBranch {
		n, err := active(id)
		if err != nil {
			return "", err
		}
		largest, sum = max(largest, n), sum+n
	}
	return fmt.Sprintf("%d branches written to, %d active members each on average, %d at most (the province: %d per branch)",
		len(u.byBranch), sum/max(1, len(u.byBranch)), largest, all/len(t.branches)), nil
}
