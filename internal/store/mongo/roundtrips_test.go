package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/units"
)

// counted tags the context of the one change whose commands are counted,
// so that the background settler's commands, made under its own context,
// are not.
type counted struct{}

// keptMonths is how many month ends are kept, all after the changes'
// dates: ten years, as a server that has run that long keeps. A change
// marks each unit once whatever their number (onward marks).
var keptMonths = 120

// roundTrips counts the commands sent under a context tagged counted:
// those of the audit trail apart, since every write pays them alike.
type roundTrips struct {
	mu    sync.Mutex
	names []string
	audit []string
}

// auditCollections are the trail's (audit.go).
var auditCollections = map[string]bool{"audit": true, "auditSeq": true}

func (r *roundTrips) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, e *event.CommandStartedEvent) {
		if ctx.Value(counted{}) == nil {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if coll, _ := e.Command.Lookup(e.CommandName).StringValueOK(); auditCollections[coll] {
			r.audit = append(r.audit, e.CommandName)
			return
		}
		r.names = append(r.names, e.CommandName)
	}}
}

// maxAuditTrips is what recording a change costs without transactions:
// take a number, write the entry pending, confirm it, read from the last
// sealed entry on, seal it (audit.go).
const maxAuditTrips = 5

// during runs change under a counted context and returns the commands it
// sent, the audit trail's apart; it fails t when the trail's are more
// than maxAuditTrips.
func (r *roundTrips) during(change func(ctx context.Context) error) ([]string, error) {
	r.mu.Lock()
	r.names, r.audit = nil, nil
	r.mu.Unlock()
	err := change(context.WithValue(context.Background(), counted{}, true))
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.audit) > maxAuditTrips {
		err = errors.Join(err, fmt.Errorf("the audit entry took %d round trips, want at most %d: %v", len(r.audit), maxAuditTrips, r.audit))
	}
	if len(r.audit) == 0 {
		err = errors.Join(err, errors.New("the change wrote no audit entry"))
	}
	return r.names, err
}

// TestRoundTripsOfOneMemberChange counts what one member change costs on
// MongoDB with years of month ends kept: a create or a transfer a
// handful of round trips whatever the number of kept days, a phone
// correction its own update and no mark.
func TestRoundTripsOfOneMemberChange(t *testing.T) {
	var rt roundTrips
	db, err := store.Open(testCtx(t), store.Options{URI: ferretURI, Database: newDBName(), Monitor: rt.monitor()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := testCtx(t)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	rs, us, ms := services(db, now)
	stop := rs.StartSettling(true, false)
	t.Cleanup(stop)

	root, mk := unitMaker(t, ctx, us)
	prov := mk(root, units.Province, "34")
	comm := mk(prov, units.Commune, "12436")
	a, b := mk(comm, units.Branch, "A"), mk(comm, units.Branch, "B")
	// Ten years of month ends kept, and counted, as a server that has run
	// that long has them.
	for m := range keptMonths {
		d := civil.Date{Year: 2016 + (m+5)/12, Month: time.Month((m+5)%12 + 1), Day: 1}.AddDays(-1)
		if err := db.AddSnapshotDay(ctx, d.String()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs.Rollup(ctx, sys, root.ID, civil.Date{}); err != nil {
		t.Fatal(err)
	}
	if err := rs.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}

	var m *members.Member
	cmds, err := rt.during(func(ctx context.Context) (err error) {
		m, err = ms.Create(ctx, sys, a.ID, members.Input{FullName: "Nguyễn Thị An", Gender: members.Female,
			JoinedOn: civil.Date{Year: 2017, Month: 3, Day: 8}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a create: %v", cmds)
	if len(cmds) > 6 {
		t.Errorf("a create dated nine years back: %d round trips, want at most 6: %v", len(cmds), cmds)
	}
	cmds, err = rt.during(func(ctx context.Context) (err error) {
		m, err = ms.Transfer(ctx, sys, m.ID, b.ID, civil.Date{Year: 2018, Month: 1, Day: 2})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a transfer: %v", cmds)
	// A transfer within a province, as most are. One to another province
	// is left out of the bound: it moves the member's document
	// (member_moves.go, docs/sharding.md §5.3), about six commands more
	// (its record, the lock, the read of the history, the new document,
	// the stub, the record's delete, and the claim's province), which buys
	// a shard key that never changes in place; such transfers are rare.
	if len(cmds) > 6 {
		t.Errorf("a transfer dated eight years back: %d round trips, want at most 6: %v", len(cmds), cmds)
	}
	phone := "0912345678"
	cmds, err = rt.during(func(ctx context.Context) (err error) {
		m, err = ms.Update(ctx, sys, m.ID, members.Patch{Phone: &phone}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a phone correction: %v", cmds)
	if len(cmds) > 2 {
		t.Errorf("a phone correction: %d round trips, want at most 2: %v", len(cmds), cmds)
	}
	// The service reads the member it authorises (a find) before its own
	// update: any other write would be a mark.
	updates := 0
	for _, c := range cmds {
		if c == "update" {
			updates++
		}
		if c == "findAndModify" || c == "bulkWrite" || updates > 1 {
			t.Errorf("a phone correction marked counters: %v", cmds)
		}
	}
	// And the figures are right: the transfer is counted on every kept day
	// since, and the settler finishes.
	if err := rs.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	for _, day := range []civil.Date{{Year: 2018, Month: 6, Day: 30}, {}} {
		r, err := rs.Rollup(ctx, sys, comm.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(r.Children[0].Totals.ActiveMembers, r.Children[1].Totals.ActiveMembers)
		if got != "0 1" {
			t.Errorf("branches A and B on %s: %s active, want 0 1", day, got)
		}
	}
}
