package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// Loader stores batches of new members. The embedded store has a bulk
// path (sqlite.DB.LoadMembers); OneByOne wraps any members.Store.
type Loader interface {
	LoadMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error
}

// OneByOne loads through members.Store.CreateMember, one member at a time.
type OneByOne struct{ Store members.Store }

// LoadMembers implements Loader.
func (o OneByOne) LoadMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	for i, m := range ms {
		if err := o.Store.CreateMember(ctx, m, evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Roll is what SeedRoll made.
type Roll struct {
	Branches []*units.Unit
	Members  int
	Elapsed  time.Duration
}

// SeedRoll gives every commune below top branchesPerCommune branches
// (codes CH01, CH02, …; existing ones are reused) and spreads total
// believable members over them, in batches of batch.
func SeedRoll(ctx context.Context, svc *units.Service, load Loader, top *units.Unit, branchesPerCommune, total, batch int, seed uint64, now time.Time) (*Roll, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	roll := &Roll{}
	province := ""
	if top.Level == units.Province {
		province = top.Code
	}
	var walk func(u *units.Unit) error
	walk = func(u *units.Unit) error {
		if u.Level == units.Commune {
			for i := 1; i <= branchesPerCommune; i++ {
				code := fmt.Sprintf("CH%02d", i)
				b, err := svc.ChildByCode(ctx, u, code)
				if err != nil {
					b, err = svc.Create(ctx, u, units.NewUnit{Level: units.Branch, Name: fmt.Sprintf("Chi hội thôn %d", i), Code: code})
				}
				if err != nil {
					return err
				}
				roll.Branches = append(roll.Branches, b)
			}
			return nil
		}
		p := page.Request{Limit: page.MaxLimit}
		for {
			res, err := svc.Children(ctx, u, p)
			if err != nil {
				return err
			}
			for _, c := range res.Items {
				if err := walk(c); err != nil {
					return err
				}
			}
			if res.Next == "" {
				return nil
			}
			p.Cursor = res.Next
		}
	}
	if err := walk(top); err != nil {
		return nil, err
	}
	if len(roll.Branches) == 0 {
		return nil, fmt.Errorf("no communes below %s %s to put branches in", top.Level, top.Name)
	}
	today := civil.Today(now)
	actor := members.Actor{ID: "seed", Name: "sohoi seed"}
	start := time.Now()
	// Making members (names, keys, validation) and storing them each take
	// a core: make the next batch while the store writes this one.
	type batchOf struct {
		ms  []*members.Member
		evs []*members.Event
		err error
	}
	batches := make(chan batchOf, 2)
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		var b batchOf
		for i := 0; i < total; i++ {
			br := roll.Branches[i%len(roll.Branches)]
			m, ev, err := members.NewRecord(actor, br, Person(r, province, today, i), now)
			if err != nil {
				batches <- batchOf{err: fmt.Errorf("member %d: %w", i, err)}
				return
			}
			b.ms, b.evs = append(b.ms, m), append(b.evs, ev)
			if len(b.ms) == batch || i == total-1 {
				select {
				case batches <- b:
				case <-genCtx.Done():
					return
				}
				b = batchOf{}
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return nil, b.err
		}
		if err := load.LoadMembers(ctx, b.ms, b.evs); err != nil {
			return nil, err
		}
		roll.Members += len(b.ms)
	}
	roll.Elapsed = time.Since(start)
	return roll, nil
}
