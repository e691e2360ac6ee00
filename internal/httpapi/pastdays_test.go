package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/rollups"
)

// get is a GET that may run on any goroutine (it never calls t.Fatal).
func (e *env) get(path, token string) (*resp, error) {
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return &resp{status: res.StatusCode, header: res.Header, body: b}, err
}

// pastWork counts past-day computations and can hold them until released.
type pastWork struct {
	n       atomic.Int64
	started chan string // each computation's day, as it starts
	release chan struct{}
}

func holdPastWork(e *env) *pastWork {
	w := &pastWork{started: make(chan string, 100), release: make(chan struct{})}
	e.app.Rollups.OnPastDayWork(func(unitID, day string) {
		w.n.Add(1)
		w.started <- day
		<-w.release
	})
	return w
}

func TestConcurrentPastDayRollupsShareOneComputation(t *testing.T) {
	r := newRoll(t)
	ms := r.history(t)
	// Settling behind writes stores the live tallies under new tickets,
	// each a new version of the facts as far as remembered days go: let
	// it finish so that the requests below all see one version.
	settled := func() {
		if err := r.e.app.Rollups.WaitSettled(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	settled()
	w := holdPastWork(r.e)
	path := "/api/v1/units/" + r.prov.ID + "/rollup?asOf=2024-07-15" // not a month end: computed
	const n = 6
	answers := make(chan *resp, n)
	var wg sync.WaitGroup
	ask := func() {
		defer wg.Done()
		res, err := r.e.get(path, r.e.admin)
		if err != nil {
			t.Error(err)
			res = &resp{}
		}
		answers <- res
	}
	wg.Add(1)
	go ask()
	select {
	case <-w.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the computation never started")
	}
	// The others arrive while the first is counting: without sharing,
	// each would wait for a turn and count again.
	for range n - 1 {
		wg.Add(1)
		go ask()
	}
	time.Sleep(300 * time.Millisecond)
	close(w.release)
	wg.Wait()
	close(answers)
	for res := range answers {
		var b rollupBody
		if res.status != 200 || json.Unmarshal(res.body, &b) != nil || b.Totals.ActiveMembers != 2 {
			t.Errorf("answer %d %.300s, want 200 with 2 active members", res.status, res.body)
		}
	}
	if got := w.n.Load(); got != 1 {
		t.Errorf("%d computations for %d identical requests, want 1", got, n)
	}
	// A repeat reads what was computed.
	if got := r.active(r.prov.ID, "2024-07-15"); got != 2 || w.n.Load() != 1 {
		t.Errorf("repeat: %d active after %d computations, want 2 after 1", got, w.n.Load())
	}
	// A change dated before that day, recorded now, changes the answer.
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m2"].ID+"/leave", r.e.admin, map[string]any{"status": "left", "on": "2024-02-01"}), 200)
	settled()
	if got := r.active(r.prov.ID, "2024-07-15"); got != 1 {
		t.Errorf("after a back-dated leave: %d active on 2024-07-15, want 1", got)
	}
	if got := w.n.Load(); got != 2 {
		t.Errorf("%d computations after the change, want 2", got)
	}
	// A change anywhere below the unit, even in a branch not counted on
	// that day, is a new version of the facts: counted again, same figure.
	r.e.mustUnit(r.comm.ID, "branch", "NEW")
	settled()
	if got := r.active(r.prov.ID, "2024-07-15"); got != 1 || w.n.Load() != 3 {
		t.Errorf("after a new branch: %d active after %d computations, want 1 after 3", got, w.n.Load())
	}
}

func TestPastDayComputationsBeyondTheBoundAreRefused(t *testing.T) {
	r := newRoll(t)
	r.history(t)
	r.e.app.Rollups.SetPastDayLimits(rollups.PastDayLimits{Workers: 1, Wait: 100 * time.Millisecond})
	w := holdPastWork(r.e)
	first := make(chan *resp, 1)
	go func() {
		res, err := r.e.get("/api/v1/units/"+r.prov.ID+"/rollup?asOf=2024-07-15", r.e.admin)
		if err != nil {
			t.Error(err)
		}
		first <- res
	}()
	<-w.started
	// Another day of another unit needs a turn of its own: refused after a
	// short wait, with a stable code and when to come back.
	res := r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/reports/period?from=2024-02-10&to=2024-08-20", r.reporter, nil), 503, "server_busy")
	if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/rollup?asOf=2023-05-05", r.e.admin, nil), 503, "server_busy")
	// Today's figures and kept days already counted never wait for a turn.
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/rollup", r.e.admin, nil), 200)
	close(w.release)
	if res := <-first; res == nil || res.status != 200 {
		t.Fatalf("the computation under way: %+v", res)
	}
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/reports/period?from=2024-02-10&to=2024-08-20", r.reporter, nil), 200)
}

func TestRollupOfAFutureDayIsRefused(t *testing.T) {
	r := newRoll(t)
	tomorrow := time.Now().Add(7*time.Hour + 24*time.Hour).UTC().Format("2006-01-02") // a day after today in Vietnam
	res := r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/rollup?asOf="+tomorrow, r.e.admin, nil), 400, "validation_failed")
	var p struct{ Errors []struct{ Field string } }
	res.decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Field != "asOf" {
		t.Errorf("errors %s, want one on asOf", res.body)
	}
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/rollup?asOf=2999-01-01", r.e.admin, nil), 400, "validation_failed")
}
