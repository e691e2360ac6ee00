package officers

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Service applies the rules of posts. Every public method takes the
// caller and decides scope and role itself: a post or unit outside the
// caller's scope is not found, a change beyond its role is forbidden.
type Service struct {
	store  Store
	units  Units
	now    func() time.Time
	counts counting.Counts // never nil
	names  Names           // the roll (nil only where no post names a member)
	log    audit.Log       // never nil: every change of a post is recorded
}

// Units loads a unit and authorises an action there for a caller
// (units.Service.Load).
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
}

// names reads the names of members' posts as the system: a post's holder
// is shown to whoever may read the post.
var names = access.System("officer names")

// Names is the roll: it finds the member who is to hold a post, and the
// current name of a member, so that a post held by a member shows the name
// as it is on the roll today (corrections included).
type Names interface {
	Get(ctx context.Context, c *access.Caller, id string) (*members.Member, error)
	NameOf(ctx context.Context, c *access.Caller, memberID string) (string, error)
}

// fresh returns the post with its holder's current name.
func (s *Service) fresh(ctx context.Context, o *Officer) *Officer {
	if s.names == nil || o.MemberID == "" {
		return o
	}
	if name, err := s.names.NameOf(ctx, names, o.MemberID); err == nil && name != o.FullName {
		cp := *o
		cp.FullName = name
		return &cp
	}
	return o
}

// NewService returns a Service on store, finding units in units, that
// keeps counts current (the rollups service; counting.Uncounted to say
// that nothing is counted) and finds members and their names today in
// names (the members service), recording every change in log; now is the
// clock.
func NewService(store Store, units Units, counts counting.Counts, names Names, log audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, units: units, counts: counting.Required("officers.NewService", counts), names: names,
		log: audit.Required("officers.NewService", log), now: now}
}

// Input is a post as a client sends it.
type Input struct {
	FullName  string
	Position  Position
	TermLabel string
	From      civil.Date
	To        civil.Date
}

// Patch holds the fields PATCH changes; nil means unchanged.
type Patch struct {
	// MemberID cannot change: it is here so that asking is refused.
	MemberID  *string
	FullName  *string
	Position  *Position
	TermLabel *string
	From      *civil.Date
	To        *civil.Date
}

func (in *Input) clean() error {
	var f errs.Fields
	vntext.Check(f.Add, "fullName", in.FullName)
	vntext.Check(f.Add, "termLabel", in.TermLabel)
	in.FullName = vntext.Clean(in.FullName)
	in.TermLabel = vntext.Clean(in.TermLabel)
	if in.FullName == "" {
		f.Add("fullName", "is required when no memberId is given")
	} else if utf8.RuneCountInString(in.FullName) > 200 {
		f.Add("fullName", "must be at most 200 characters")
	}
	if _, ok := positionRank[in.Position]; !ok {
		f.Add("position", "must be chair, vice_chair, standing, committee or secretary")
	}
	if utf8.RuneCountInString(in.TermLabel) > 50 {
		f.Add("termLabel", "must be at most 50 characters")
	}
	switch {
	case in.From.IsZero():
		f.Add("from", "is required")
	case in.From.Year < 1900 || in.From.Year > 2200:
		f.Add("from", "is not a plausible date")
	}
	if !in.To.IsZero() && !in.From.IsZero() && in.To.Before(in.From) {
		f.Add("to", "must not be before from")
	}
	return f.Err()
}

// checkChairs refuses two chairs at one unit on any day.
func checkChairs(b *Board, o *Officer) error {
	if o.Position != Chair {
		return nil
	}
	for _, p := range b.Posts {
		if p.ID != o.ID && p.Position == Chair && p.overlaps(o) {
			return errs.E(errs.Conflict, "%s is chair of this unit from %s to %s; a unit has one chair at a time", p.FullName, p.From, orOpen(p.To))
		}
	}
	return nil
}

func orOpen(d civil.Date) string {
	if d.IsZero() {
		return "further notice"
	}
	return d.String()
}

// change loads the board, applies fn and saves it, retrying when another
// change to the same board won the race.
//
// The change of post postID is recorded in the audit trail with the
// post's fields before and after (none before a create, none after a
// delete).
func (s *Service) change(ctx context.Context, c *access.Caller, action, postID, unitID string, path []string, fn func(b *Board) error) (*Board, error) {
	for attempt := 0; ; attempt++ {
		b, err := s.store.GetBoard(ctx, unitID)
		if err != nil {
			return nil, err
		}
		b.Path = path
		before := terms(b.Posts)
		was := postOf(b, postID).AuditFields()
		if err := fn(b); err != nil {
			return nil, err
		}
		e := auditEntry(c, action, postID, path, was, postOf(b, postID).AuditFields())
		b.Version++
		touched := counting.None
		if !slices.Equal(before, terms(b.Posts)) {
			touched = counting.Posts
		}
		err = s.save(ctx, b, touched, e)
		if err == nil || attempt == 4 || !errs.Is(err, errs.VersionMismatch) {
			return b, err
		}
	}
}

// sortPosts orders a board: current and later terms first, then by rank of
// the post, then by name.
func sortPosts(posts []*Officer) {
	slices.SortStableFunc(posts, func(a, b *Officer) int {
		if c := strings.Compare(b.From.String(), a.From.String()); c != 0 {
			return c
		}
		if c := positionRank[a.Position] - positionRank[b.Position]; c != 0 {
			return c
		}
		return strings.Compare(a.FullName, b.FullName)
	})
}

// Post is a post as the service answers it: the officer, the unit it is
// at, and whether it is held today by the service's clock.
type Post struct {
	*Officer
	UnitID  string
	Current bool
}

func (s *Service) post(unitID string, o *Officer) *Post {
	return &Post{Officer: o, UnitID: unitID, Current: o.HeldOn(s.today())}
}

// List returns the posts of unit unitID, which the caller must be allowed
// to read officers of; with currentOnly, those held today.
func (s *Service) List(ctx context.Context, c *access.Caller, unitID string, currentOnly bool) ([]*Post, error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjOfficer, access.Read)
	if err != nil {
		return nil, err
	}
	b, err := s.store.GetBoard(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.now())
	var out []*Officer
	for _, p := range b.Posts {
		if !currentOnly || p.HeldOn(today) {
			out = append(out, s.fresh(ctx, p))
		}
	}
	sortPosts(out)
	posts := make([]*Post, len(out))
	for i, o := range out {
		posts[i] = s.post(u.ID, o)
	}
	return posts, nil
}

// Create adds a post at unit unitID, where the caller must be allowed to
// write officers. memberID, when not empty, is the person on the roll who
// holds it: a member the caller may read, within the unit's subtree.
func (s *Service) Create(ctx context.Context, c *access.Caller, unitID, memberID string, in Input) (*Post, error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjOfficer, access.Write)
	if err != nil {
		return nil, err
	}
	var member *members.Member
	if memberID != "" {
		member, err = s.names.Get(ctx, c, memberID)
		if errs.Is(err, errs.NotFound) {
			return nil, (errs.Fields{{Field: "memberId", Message: "no such member"}}).Err()
		}
		if err != nil {
			return nil, err
		}
	}
	if u.Status != units.Active {
		return nil, errs.E(errs.Conflict, "unit %s is closed", u.ID)
	}
	if member != nil {
		switch {
		case !slices.Contains(member.Path, u.ID):
			return nil, (errs.Fields{{Field: "memberId", Message: "is not a member of this unit or a unit below it"}}).Err()
		case member.Status != members.Active:
			return nil, (errs.Fields{{Field: "memberId", Message: "is not an active member"}}).Err()
		}
		in.FullName = member.FullName
	}
	if err := in.clean(); err != nil {
		return nil, err
	}
	at := s.now().UTC()
	o := &Officer{ID: ids.New(), FullName: in.FullName, Position: in.Position, TermLabel: in.TermLabel,
		From: in.From, To: in.To, Version: 1, CreatedAt: at, UpdatedAt: at}
	if member != nil {
		o.MemberID = member.ID
	}
	_, err = s.change(ctx, c, audit.Create, o.ID, u.ID, u.Path, func(b *Board) error {
		if err := checkChairs(b, o); err != nil {
			return err
		}
		b.Posts = append(b.Posts, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.post(u.ID, o), nil
}

// Get returns a post the caller may read.
func (s *Service) Get(ctx context.Context, c *access.Caller, id string) (*Post, error) {
	o, b, err := s.find(ctx, c, id, access.Read)
	if err != nil {
		return nil, err
	}
	return s.post(b.UnitID, o), nil
}

// find returns a post and its board, authorising act on its unit for c: a
// post that does not exist and one outside c's scope are both "officer not
// found".
func (s *Service) find(ctx context.Context, c *access.Caller, id string, act access.Action) (*Officer, *Board, error) {
	o, b, err := s.findAnywhere(ctx, id)
	if err == nil {
		err = c.Authorize(b.Path, access.ObjOfficer, act, "officer")
	}
	if err != nil {
		return nil, nil, access.NotFound(err, "officer")
	}
	return o, b, nil
}

func (s *Service) findAnywhere(ctx context.Context, id string) (*Officer, *Board, error) {
	notFound := errs.E(errs.NotFound, "officer not found")
	if !ids.Valid(id) {
		return nil, nil, notFound
	}
	unitID, err := s.store.BoardOfOfficer(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.store.GetBoard(ctx, unitID)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range b.Posts {
		if p.ID == id {
			return s.fresh(ctx, p), b, nil
		}
	}
	return nil, nil, notFound
}

// Update changes post id, which the caller must be allowed to write.
// ifVersion (If-Match), when not zero, must be the post's version.
func (s *Service) Update(ctx context.Context, c *access.Caller, id string, p Patch, ifVersion int) (*Post, error) {
	if p.MemberID != nil {
		return nil, (errs.Fields{{Field: "memberId", Message: "cannot be changed; end this post and create another"}}).Err()
	}
	_, b, err := s.find(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	var out *Officer
	b, err = s.change(ctx, c, audit.Update, id, b.UnitID, b.Path, func(b *Board) error {
		i := slices.IndexFunc(b.Posts, func(o *Officer) bool { return o.ID == id })
		if i < 0 {
			return errs.E(errs.NotFound, "officer not found")
		}
		cur := b.Posts[i]
		if ifVersion != 0 && ifVersion != cur.Version {
			return errs.E(errs.VersionMismatch, "officer %s is at version %d, not %d", id, cur.Version, ifVersion)
		}
		in := Input{FullName: cur.FullName, Position: cur.Position, TermLabel: cur.TermLabel, From: cur.From, To: cur.To}
		if p.FullName != nil {
			if cur.MemberID != "" {
				return (errs.Fields{{Field: "fullName", Message: "comes from the member's record; correct it there"}}).Err()
			}
			in.FullName = *p.FullName
		}
		if p.Position != nil {
			in.Position = *p.Position
		}
		if p.TermLabel != nil {
			in.TermLabel = *p.TermLabel
		}
		if p.From != nil {
			in.From = *p.From
		}
		if p.To != nil {
			in.To = *p.To
		}
		if err := in.clean(); err != nil {
			return err
		}
		next := *cur
		next.FullName, next.Position, next.TermLabel, next.From, next.To = in.FullName, in.Position, in.TermLabel, in.From, in.To
		next.Version, next.UpdatedAt = cur.Version+1, s.now().UTC()
		if err := checkChairs(b, &next); err != nil {
			return err
		}
		b.Posts[i] = &next
		out = s.fresh(ctx, &next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.post(b.UnitID, out), nil
}

// Delete removes post id, which the caller must be allowed to write (a
// post entered by mistake; an ended term is recorded by setting its end
// date instead).
func (s *Service) Delete(ctx context.Context, c *access.Caller, id string) error {
	_, b, err := s.find(ctx, c, id, access.Write)
	if err != nil {
		return err
	}
	_, err = s.change(ctx, c, audit.Delete, id, b.UnitID, b.Path, func(b *Board) error {
		i := slices.IndexFunc(b.Posts, func(o *Officer) bool { return o.ID == id })
		if i < 0 {
			return errs.E(errs.NotFound, "officer not found")
		}
		b.Posts = slices.Delete(b.Posts, i, i+1)
		return nil
	})
	return err
}

// today is the day by the service's clock (what "current" means).
func (s *Service) today() civil.Date { return civil.Today(s.now()) }

// save stores a board between marking and settling the counters (posts
// count on every day of their terms, so every kept day is marked) when
// the change touches the terms of its posts.
func (s *Service) save(ctx context.Context, b *Board, touched counting.Facts, e *audit.Entry) error {
	return counting.Around(ctx, s.counts, [][]string{b.Path}, civil.Date{}, touched, func() error {
		return s.log.Change(ctx, e, func(ctx context.Context) error { return s.store.SaveBoard(ctx, b) })
	})
}

// terms are what counters count of a board's posts: their terms, sorted
// (a name or a title changes no figure).
func terms(posts []*Officer) []string {
	out := make([]string, len(posts))
	for i, p := range posts {
		out[i] = p.From.String() + "|" + p.To.String()
	}
	slices.Sort(out)
	return out
}
