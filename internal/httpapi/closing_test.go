package httpapi_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
)

// Instances sharing a database close a month in one of them at a time:
// while another holds the lease, this one does nothing; once it is free,
// this one keeps the month end and gives the lease back.
func TestAMonthIsClosedByOneInstanceAtATime(t *testing.T) {
	r := newRoll(t)
	r.history(t)
	ctx := context.Background()
	st, rs := r.e.app.Store, r.e.app.Rollups
	today := civil.Today(time.Now())
	last := civil.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1).String()
	kept := func() bool {
		days, err := st.SnapshotDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(days, last)
	}

	now := time.Now()
	if ok, err := st.AcquireLease(ctx, "close-month", "another instance", now, now.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("another instance's lease: %v %v", ok, err)
	}
	if made, err := rs.CloseLastMonth(ctx); err != nil || made || kept() {
		t.Fatalf("closing while another instance holds the lease: made=%v err=%v kept=%v", made, err, kept())
	}
	if err := st.ReleaseLease(ctx, "close-month", "another instance"); err != nil {
		t.Fatal(err)
	}
	if made, err := rs.CloseLastMonth(ctx); err != nil || !made || !kept() {
		t.Fatalf("closing with the lease free: made=%v err=%v kept=%v", made, err, kept())
	}
	if ok, err := st.AcquireLease(ctx, "close-month", "another instance", now, now.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("the lease was not given back: %v %v", ok, err)
	}
}
