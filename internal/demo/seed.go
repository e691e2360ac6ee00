package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
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

// RollSpec says what SeedRoll makes.
type RollSpec struct {
	Top                *units.Unit // a province (or any unit above communes)
	BranchesPerCommune int         // branches CH01, CH02, … in each commune (existing ones are reused)
	Members            int         // members to add
	Batch              int         // members stored together
	// FirstSerial is the serial of the first new member: serials make
	// national IDs and member numbers, so a run that continues an earlier
	// one starts after the members already there (see Person).
	FirstSerial int
	Seed        uint64 // of the random choices
	Now         time.Time
	// Counts (required) is marked before and after each batch is stored,
	// like any write (see counting.Counts), so that a run stopped at any
	// point (even by kill -9) leaves marks on exactly the branches whose
	// stored figures it made stale, and the settler's next sweep recounts them. The
	// marks are not settled batch by batch: that would recount every
	// branch for every batch; the caller counts once at the end. A caller
	// that counts by other means says so with counting.Uncounted.
	Counts counting.Counts
	// Progress, when set, is told how many members are stored so far,
	// after each batch.
	Progress func(stored int)
}

// SeedRoll gives every commune below spec.Top its branches and spreads
// believable members over them, in batches. When it stops early, the Roll
// it returns with the error counts the members stored.
func SeedRoll(ctx context.Context, svc *units.Service, load Loader, spec RollSpec) (*Roll, error) {
	seed := access.System("seed")
	r := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x5eed))
	roll := &Roll{}
	top, total, batch, now := spec.Top, spec.Members, max(spec.Batch, 1), spec.Now
	province := ""
	if top.Level == units.Province {
		province = top.Code
	}
	var walk func(u *units.Unit) error
	walk = func(u *units.Unit) error {
		if u.Level == units.Commune {
			for i := 1; i <= spec.BranchesPerCommune; i++ {
				code := fmt.Sprintf("CH%02d", i)
				b, err := svc.ChildByCode(ctx, seed, u.ID, code)
				if err != nil {
					b, err = svc.Create(ctx, seed, u.ID, units.NewUnit{Level: units.Branch, Name: fmt.Sprintf("Chi hội thôn %d", i), Code: code})
				}
				if err != nil {
					return err
				}
				roll.Branches = append(roll.Branches, b)
			}
			return nil
		}
		return page.Each(func(p page.Request) (page.Result[*units.Unit], error) { return svc.Children(ctx, seed, u.ID, p) }, walk)
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
	marks := &marker{counts: counting.Required("demo.SeedRoll", spec.Counts), pending: map[string][]string{}}
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		var b batchOf
		for i := 0; i < total; i++ {
			// Branches are filled one after another, each with its share:
			// a batch then touches a few branches, and marking them costs
			// little, where a round robin would mark every branch (times
			// every kept day) for every batch.
			serial := spec.FirstSerial + i
			br := roll.Branches[i*len(roll.Branches)/total]
			m, ev, err := members.NewRecord(actor, br, Person(r, province, today, serial), now)
			if err != nil {
				batches <- batchOf{err: fmt.Errorf("member %d: %w", serial, err)}
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
		err := b.err
		if err == nil {
			err = marks.store(ctx, load, b.ms, b.evs)
		}
		if err != nil {
			// Stopped (an interrupt, a failed batch): the batches stored
			// so far still get their mark after.
			if merr := marks.mark(context.WithoutCancel(ctx)); merr != nil {
				err = fmt.Errorf("%w (and marking the counters: %v)", err, merr)
			}
			roll.Elapsed = time.Since(start)
			return roll, err
		}
		roll.Members += len(b.ms)
		if spec.Progress != nil {
			spec.Progress(roll.Members)
		}
	}
	err := marks.mark(ctx) // after the last batch
	roll.Elapsed = time.Since(start)
	return roll, err
}

// marker marks the branches a seed fills like any write: before a batch is
// stored (for a stop while it is stored) and again after (for a count that
// ran, and cleared the first mark, while it was being stored). The mark
// after one batch and the mark before the next are one call: consecutive
// batches fill mostly the same branches.
type marker struct {
	counts  counting.Counts     // never nil
	pending map[string][]string // branch → path, stored since the last mark
	from    civil.Date          // the earliest join date seen: kept days from it on are marked
}

// store marks the branches of ms (and those of the batch before), then
// stores ms.
func (k *marker) store(ctx context.Context, load Loader, ms []*members.Member, evs []*members.Event) error {
	for _, m := range ms {
		k.pending[m.BranchID] = m.Path
		if k.from.IsZero() || m.JoinedOn.Before(k.from) {
			k.from = m.JoinedOn
		}
	}
	if err := k.mark(ctx); err != nil {
		return err
	}
	for _, m := range ms { // marked before, to be marked again after
		k.pending[m.BranchID] = m.Path
	}
	return load.LoadMembers(ctx, ms, evs)
}

// mark marks what is pending. The settle function is dropped on purpose:
// the marks stay until the caller counts at the end, or until the next
// read after a stop.
func (k *marker) mark(ctx context.Context) error {
	if len(k.pending) == 0 {
		return nil
	}
	paths := make([][]string, 0, len(k.pending))
	for _, p := range k.pending {
		paths = append(paths, p)
	}
	if _, err := k.counts.Mark(ctx, paths, k.from); err != nil {
		return err
	}
	clear(k.pending)
	return nil
}
