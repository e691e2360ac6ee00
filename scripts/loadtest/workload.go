package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// The operations, in the order the report lists them.
const (
	opMember     = "member-by-id"
	opBranchPage = "branch-page"
	opSearch     = "search"
	opRollup     = "rollup"
	opCreate     = "create"
	opUpdate     = "update"
	opTransfer   = "transfer"
)

var allOps = []string{opMember, opBranchPage, opSearch, opRollup, opCreate, opUpdate, opTransfer}

// The read mix of issue 15; writes take their share off the top and split
// 50 % creates, 30 % updates (a phone correction), 20 % transfers.
var readMix = []struct {
	op     string
	weight float64
}{{opMember, .40}, {opBranchPage, .30}, {opSearch, .10}, {opRollup, .20}}

// Name searches, from one common word to the worst common pair and three
// words; the seeded names are drawn from the same common families.
var searches = []string{"nguyen thi", "tran van", "le thi hoa", "pham", "hoang van nam", "nguyen van an", "vu thi lan", "do"}

// workload is what the workers share.
type workload struct {
	tree    *tree
	users   *users
	members []memberRef // ids to read, gathered before the run
	writes  float64     // share of writes, 0–1
}

type memberRef struct {
	id     string
	branch int
}

// gatherMembers reads the first page of up to n branches, for member ids.
func gatherMembers(ctx context.Context, t *tree, u *users, n int, r *rand.Rand) ([]memberRef, error) {
	var refs []memberRef
	for _, i := range sample(r, len(t.branches), n) {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if _, err := u.province.do(ctx, http.MethodGet, "/api/v1/units/"+t.branches[i].ID+"/members?limit=50", nil, &page); err != nil {
			return nil, err
		}
		for _, m := range page.Items {
			refs = append(refs, memberRef{m.ID, i})
		}
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("the province's branches have no members: run sohoi seed members first")
	}
	return refs, nil
}

// choose picks the next operation.
func (w *workload) choose(r *rand.Rand) string {
	x := r.Float64()
	if x < w.writes {
		switch y := x / w.writes; {
		case y < .5:
			return opCreate
		case y < .8:
			return opUpdate
		default:
			return opTransfer
		}
	}
	x = (x - w.writes) / (1 - w.writes)
	for _, m := range readMix {
		if x < m.weight {
			return m.op
		}
		x -= m.weight
	}
	return opRollup
}

// run is one operation; it returns the name it is reported under (a write
// with nothing to change yet becomes a create).
func (w *workload) run(ctx context.Context, op string, r *rand.Rand) (string, error) {
	t, u := w.tree, w.users
	switch op {
	case opMember:
		m := w.members[r.IntN(len(w.members))]
		_, err := u.readerOf(t, t.branches[m.branch], r).do(ctx, http.MethodGet, "/api/v1/members/"+m.id, nil, nil)
		return op, err
	case opBranchPage:
		b := t.branches[r.IntN(len(t.branches))]
		_, err := u.readerOf(t, b, r).do(ctx, http.MethodGet, "/api/v1/units/"+b.ID+"/members?limit=50", nil, nil)
		return op, err
	case opSearch:
		// Within a commune or a district (a commune when there are none).
		b := t.branches[r.IntN(len(t.branches))]
		scope := t.communes[b.commune]
		if b.district >= 0 && r.IntN(2) == 0 {
			scope = t.districts[b.district]
		}
		q := url.QueryEscape(searches[r.IntN(len(searches))])
		_, err := u.readerOfUnit(scope.ID, r).do(ctx, http.MethodGet, "/api/v1/units/"+scope.ID+"/members?limit=50&q="+q, nil, nil)
		return op, err
	case opRollup:
		// The province, a district or a commune, a third each.
		target := t.province
		b := t.branches[r.IntN(len(t.branches))]
		switch r.IntN(3) {
		case 1:
			if b.district >= 0 {
				target = t.districts[b.district]
			}
		case 2:
			target = t.communes[b.commune]
		}
		_, err := u.readerOfUnit(target.ID, r).do(ctx, http.MethodGet, "/api/v1/units/"+target.ID+"/rollup", nil, nil)
		return op, err
	case opCreate:
		return op, w.create(ctx, u.writers[r.IntN(len(u.writers))], r)
	case opUpdate:
		wr := u.writers[r.IntN(len(u.writers))]
		m, ok := wr.take(r)
		if !ok {
			return opCreate, w.create(ctx, wr, r)
		}
		defer wr.give(m)
		body := map[string]string{"phone": fmt.Sprintf("09%08d", r.IntN(100_000_000))}
		_, err := wr.do(ctx, http.MethodPatch, "/api/v1/members/"+m.id, body, nil)
		return op, err
	case opTransfer:
		wr := w.transferer(r)
		if wr == nil {
			return opCreate, w.create(ctx, u.writers[r.IntN(len(u.writers))], r)
		}
		m, ok := wr.take(r)
		if !ok {
			return opCreate, w.create(ctx, wr, r)
		}
		to := wr.branches[r.IntN(len(wr.branches))]
		for to == m.branch {
			to = wr.branches[r.IntN(len(wr.branches))]
		}
		body := map[string]string{"toBranchId": to, "on": today()}
		_, err := wr.do(ctx, http.MethodPost, "/api/v1/members/"+m.id+"/transfer", body, nil)
		if err == nil {
			m.branch = to
		}
		wr.give(m)
		return op, err
	}
	return op, fmt.Errorf("unknown operation %q", op)
}

// transferer picks a writer with more than one branch (a commune editor).
func (w *workload) transferer(r *rand.Rand) *writer {
	var many []*writer
	for _, wr := range w.users.writers {
		if len(wr.branches) > 1 {
			many = append(many, wr)
		}
	}
	if len(many) == 0 {
		return nil
	}
	return many[r.IntN(len(many))]
}

var (
	families = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi"}
	givens   = []string{"An", "Bình", "Hoa", "Lan", "Nam", "Hùng", "Mai", "Tuấn", "Hương", "Dũng"}
)

func (w *workload) create(ctx context.Context, wr *writer, r *rand.Rand) error {
	br := wr.branches[r.IntN(len(wr.branches))]
	middle, gender := "Văn", "male"
	if r.IntN(2) == 0 {
		middle, gender = "Thị", "female"
	}
	body := map[string]string{
		"fullName":  families[r.IntN(len(families))] + " " + middle + " " + givens[r.IntN(len(givens))],
		"gender":    gender,
		"birthDate": fmt.Sprintf("%d-%02d-%02d", 1940+r.IntN(60), 1+r.IntN(12), 1+r.IntN(28)),
	}
	var m struct {
		ID string `json:"id"`
	}
	_, err := wr.do(ctx, http.MethodPost, "/api/v1/units/"+br+"/members", body, &m)
	if err == nil {
		wr.remember(createdMember{m.ID, br})
	}
	return err
}

// today is the date in Vietnam (UTC+7), the server's calendar.
func today() string {
	return time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
}

// drive runs the workload on conns workers until the duration is over or
// maxRequests have been sent, and returns the merged statistics.
func (w *workload) drive(ctx context.Context, conns int, duration time.Duration, maxRequests int64, seed uint64) (map[string]*opStats, time.Duration) {
	// Workers stop starting requests at the deadline but let the ones under
	// way answer: cutting them off would leave the server logging
	// cancelled requests and the run's slowest answers unrecorded.
	deadline := time.Now().Add(duration)
	var sent atomic.Int64
	results := make([]map[string]*opStats, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(i)))
			mine := map[string]*opStats{}
			for ctx.Err() == nil && time.Now().Before(deadline) && sent.Add(1) <= maxRequests {
				t0 := time.Now()
				name, err := w.run(ctx, w.choose(r), r)
				if ctx.Err() != nil {
					break // interrupted (Ctrl-C): not an answer
				}
				if mine[name] == nil {
					mine[name] = &opStats{}
				}
				mine[name].record(time.Since(t0), err)
			}
			results[i] = mine
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	merged := map[string]*opStats{}
	for _, m := range results {
		for op, s := range m {
			if merged[op] == nil {
				merged[op] = &opStats{}
			}
			merged[op].merge(s)
		}
	}
	return merged, elapsed
}
