package rollups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// Several sohoi instances may share one MongoDB. Keeping a month end
// counts the whole tree (seconds to minutes); done by every instance at
// once it would cost each of them that and race their tickets. The
// closing job therefore runs under a lease in the store: one instance
// holds it, renews it while it works, and gives it up when done; an
// instance that dies stops renewing, and another takes over when the
// lease's term ends.

const (
	closeMonthLease = "close-month"
	leaseTerm       = 2 * time.Minute
	leaseRenewEvery = leaseTerm / 4
	// leaseMargin is how long before the term ends work stops when no
	// renewal got through: room for clocks that differ between instances.
	leaseMargin = leaseTerm / 4
)

// newOwner names this process as a lease holder: host, process and a
// random part, so that two services in one process differ too.
func newOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// CloseLastMonth keeps the last month end's figures of the whole tree if
// no other instance is doing it (see closeMonthLease). It reports whether
// it counted anything; false with no error also when another instance
// holds the lease.
func (s *Service) CloseLastMonth(ctx context.Context) (bool, error) {
	today := civil.Today(s.now())
	last := civil.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)
	var made bool
	held, err := s.underLease(ctx, closeMonthLease, func(ctx context.Context) error {
		root, err := s.unit(ctx, units.RootID)
		if err != nil {
			return err
		}
		made, err = s.CloseMonth(ctx, access.System("closing months"), root, last)
		return err
	})
	if !held {
		return false, err
	}
	return made, err
}

// underLease runs fn holding the lease name, renewing it while fn works;
// fn's context ends if a renewal fails (another instance may then take
// over, and fn must not go on as if it held it). It reports whether the
// lease was held.
func (s *Service) underLease(ctx context.Context, name string, fn func(context.Context) error) (bool, error) {
	now := s.now()
	held, err := s.store.AcquireLease(ctx, name, s.owner, now, now.Add(leaseTerm))
	if err != nil || !held {
		return false, err
	}
	work, cancel := context.WithCancel(ctx)
	// The lease is ours until its term ends, not until a renewal fails: a
	// renewal that hangs (a stalled database) must not let fn go on after
	// another instance may have taken over. fn stops a margin before the
	// term ends unless a renewal pushed the end further.
	expire := time.AfterFunc(leaseTerm-leaseMargin, cancel)
	defer expire.Stop()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		tick := time.NewTicker(leaseRenewEvery)
		defer tick.Stop()
		for {
			select {
			case <-work.Done():
				return
			case <-tick.C:
			}
			now := s.now()
			rctx, rcancel := context.WithTimeout(work, leaseRenewEvery)
			ok, err := s.store.AcquireLease(rctx, name, s.owner, now, now.Add(leaseTerm))
			rcancel()
			if ok && err == nil {
				expire.Reset(leaseTerm - leaseMargin)
			}
			if !ok || err != nil {
				if work.Err() == nil {
					s.log.WarnContext(work, "lost the lease; stopping", "lease", name, "err", err)
				}
				cancel()
				return
			}
		}
	}()
	err = fn(work)
	cancel()
	<-renewed
	// Released even when the caller went away, so that another instance
	// need not wait for the term to end.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if rerr := s.store.ReleaseLease(rctx, name, s.owner); rerr != nil {
		s.log.WarnContext(rctx, "releasing the lease failed; it ends with its term", "lease", name, "err", rerr)
	}
	return true, err
}

// closeMonths keeps the last month end's snapshot of the whole tree, in
// one instance at a time (CloseLastMonth).
func (s *Service) closeMonths(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		start := time.Now()
		made, err := s.CloseLastMonth(ctx)
		s.ran(JobCloseMonth, start, err)
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "closing the month failed; it will be tried again", "err", err)
		} else if made {
			s.log.InfoContext(ctx, "kept the month's figures", "took", time.Since(start).String())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// CloseMonth keeps the tallies of u's subtree as of the month end d (if
// they are not kept yet), so that rollups and period reports for that day
// read stored figures from then on; later changes dated on or before d
// correct them through marks. It reports whether it counted anything.
//
// It is the system's work (the monthly job, `sohoi close-month`): a user
// caller needs the system permission at u.
func (s *Service) CloseMonth(ctx context.Context, c *access.Caller, u *units.Unit, d civil.Date) (bool, error) {
	if err := c.Authorize(u.Path, access.ObjSystem, access.Write, "unit"); err != nil {
		return false, err
	}
	if _, keep := s.dayKey(d); !keep || !d.Before(civil.Today(s.now())) {
		return false, errs.E(errs.Validation, "%s is not the end of a month of the last %d years", d, keptYears)
	}
	if err := s.store.AddSnapshotDay(ctx, d.String()); err != nil {
		return false, err
	}
	if _, err := s.store.GetCounter(ctx, u.Path, d.String()); err == nil {
		return false, nil
	}
	_, err := s.settledTally(ctx, u, d)
	return err == nil, err
}
