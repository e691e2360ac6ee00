package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

func testUnits(t *testing.T, open Opener) {
	s := open(t)
	root := mustRoot(t, s)
	prov := mustChild(t, s, root, units.Province, "34")
	dist := mustChild(t, s, prov, units.District, "336")
	comm := mustChild(t, s, dist, units.Commune, "12436")

	t.Run("a second root is refused", func(t *testing.T) {
		dup := *root
		if err := s.CreateUnit(ctx(), &dup); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second root: got %v, want conflict", err)
		}
	})
	t.Run("a second root under another id is refused", func(t *testing.T) {
		other := *root
		other.ID, other.Code = "0000000000000003", "VN2"
		if err := s.CreateUnit(ctx(), &other); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second root: got %v, want conflict", err)
		}
	})
	t.Run("get keeps every field and the path root first", func(t *testing.T) {
		got, err := s.GetUnit(ctx(), comm.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{root.ID, prov.ID, dist.ID}
		if !slices.Equal(got.Path, append(want, comm.ID)) || !slices.Equal(got.Path.Parent(), want) {
			t.Fatalf("path = %v, want %v", got.Path, append(want, comm.ID))
		}
		if got.Name != comm.Name || got.Code != "12436" || got.Level != units.Commune || got.ParentID != dist.ID ||
			got.Status != units.Active || got.Version != 1 || !got.CreatedAt.Equal(t0) {
			t.Fatalf("got %+v, want %+v", got, comm)
		}
		r, err := s.GetUnit(ctx(), root.ID)
		if err != nil || r.ParentID != "" || !slices.Equal(r.Path, unitpath.Path{root.ID}) {
			t.Fatalf("root = %+v, %v", r, err)
		}
	})
	t.Run("unknown id is not found", func(t *testing.T) {
		if _, err := s.GetUnit(ctx(), "0000000000000000"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("codes are unique among siblings only", func(t *testing.T) {
		dup := *dist
		dup.ID = "0000000000000001"
		if err := s.CreateUnit(ctx(), &dup); !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate sibling code: got %v, want conflict", err)
		}
		other := mustChild(t, s, root, units.Province, "33")
		mustChild(t, s, other, units.District, "336") // same code, other parent
	})
	t.Run("child by code", func(t *testing.T) {
		got, err := s.GetChildByCode(ctx(), prov.ID, "336")
		if err != nil || got.ID != dist.ID {
			t.Fatalf("got %v, %v", got, err)
		}
		if _, err := s.GetChildByCode(ctx(), prov.ID, "999"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing code: %v", err)
		}
	})
	t.Run("update is compare-and-swap on the version", func(t *testing.T) {
		u, _ := s.GetUnit(ctx(), dist.ID)
		u.Name, u.Version = "Thành phố Thái Bình mới", 2
		if err := s.UpdateUnit(ctx(), u); err != nil {
			t.Fatal(err)
		}
		stale := *u
		stale.Name = "lost"
		if err := s.UpdateUnit(ctx(), &stale); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("stale update: got %v, want version_mismatch", err)
		}
		got, _ := s.GetUnit(ctx(), dist.ID)
		if got.Name != "Thành phố Thái Bình mới" || got.Version != 2 {
			t.Fatalf("after updates: %+v", got)
		}
		gone := *u
		gone.ID, gone.Version = "0000000000000002", 2
		if err := s.UpdateUnit(ctx(), &gone); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update of missing unit: %v", err)
		}
	})
	t.Run("update to a sibling's code is a conflict", func(t *testing.T) {
		sib := mustChild(t, s, prov, units.District, "337")
		sib.Code, sib.Version = "336", 2
		if err := s.UpdateUnit(ctx(), sib); !errs.Is(err, errs.Conflict) {
			t.Fatalf("got %v, want conflict", err)
		}
	})
	t.Run("update writes a moved unit's parent and path", func(t *testing.T) {
		p33 := mustChild(t, s, root, units.Province, "35")
		d := mustChild(t, s, prov, units.District, "338")
		mustChild(t, s, p33, units.District, "339")
		d.ParentID, d.Path, d.Version = p33.ID, p33.Path.Child(d.ID), 2
		if err := s.UpdateUnit(ctx(), d); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetUnit(ctx(), d.ID)
		if got.ParentID != p33.ID || !slices.Equal(got.Path, p33.Path.Child(d.ID)) {
			t.Fatalf("after the move: %+v", got)
		}
		if byCode, err := s.GetChildByCode(ctx(), p33.ID, "338"); err != nil || byCode.ID != d.ID {
			t.Fatalf("the new parent does not find it by code: %v, %v", byCode, err)
		}
		if _, err := s.GetChildByCode(ctx(), prov.ID, "338"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the old parent still finds it: %v", err)
		}
		d.Code, d.Version = "339", 3 // a sibling's code under the new parent
		if err := s.UpdateUnit(ctx(), d); !errs.Is(err, errs.Conflict) {
			t.Fatalf("got %v, want conflict", err)
		}
	})
	t.Run("closing keeps the pointer to the target", func(t *testing.T) {
		u, _ := s.GetUnit(ctx(), comm.ID)
		u.Status, u.MergedInto, u.Version, u.ClosedAt = units.Closed, dist.ID, 2, t0.Add(time.Hour)
		if err := s.UpdateUnit(ctx(), u); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetUnit(ctx(), comm.ID)
		if got.Status != units.Closed || got.MergedInto != dist.ID || !got.ClosedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("got %+v", got)
		}
		got.Status, got.MergedInto, got.ClosedAt, got.Version = units.Active, "", time.Time{}, 3 // reopened
		if err := s.UpdateUnit(ctx(), got); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.GetUnit(ctx(), comm.ID); again.Status != units.Active || again.MergedInto != "" || !again.ClosedAt.IsZero() {
			t.Fatalf("reopened: %+v", again)
		}
	})
}

func testUnitPagination(t *testing.T, open Opener) {
	s := open(t)
	root := mustRoot(t, s)
	const n = 123
	for i := n - 1; i >= 0; i-- { // inserted in reverse: order must come from the store
		mustChild(t, s, root, units.Province, fmt.Sprintf("P%03d", i))
	}
	seen := map[string]bool{}
	var codes []string
	p := page.Request{Limit: 50}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		res, err := s.ListChildren(ctx(), root.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range res.Items {
			if seen[u.ID] {
				t.Fatalf("unit %s listed twice", u.Code)
			}
			seen[u.ID] = true
			codes = append(codes, u.Code)
		}
		if res.Next == "" {
			if len(res.Items) != n%50 {
				t.Fatalf("last page has %d items", len(res.Items))
			}
			break
		}
		p.Cursor = res.Next
	}
	if len(codes) != n || !slices.IsSorted(codes) {
		t.Fatalf("listed %d codes, sorted=%v", len(codes), slices.IsSorted(codes))
	}
	res, err := s.ListChildren(ctx(), "0000000000000000", page.Request{Limit: 10})
	if err != nil || len(res.Items) != 0 || res.Next != "" {
		t.Fatalf("children of unknown unit: %+v %v", res, err)
	}
}
