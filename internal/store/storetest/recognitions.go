package storetest

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// newRecognition is a proposed family at unit u for year.
func newRecognition(u *units.Unit, name string, year int) *learning.Recognition {
	return &learning.Recognition{ID: ids.New(), Kind: "family", Name: name, UnitID: u.ID, Path: u.Path, Year: year,
		Status: learning.Proposed, Criteria: "family-387", Assessments: []learning.Assessment{}, Evidence: []learning.Attachment{},
		ProposedOn: civil.Date{Year: year, Month: 3, Day: 1}, Version: 1}
}

func testRecognitions(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	r := newRecognition(tr.a, "Gia đình ông Đỗ Văn An", 2024)
	if err := s.CreateRecognition(ctx(), r); err != nil {
		t.Fatal(err)
	}

	t.Run("get keeps every field", func(t *testing.T) {
		got, err := s.GetRecognition(ctx(), r.ID)
		if err != nil || got.Name != r.Name || !slices.Equal(got.Path, tr.a.Path) || got.Status != learning.Proposed ||
			got.Version != 1 || got.ProposedOn != r.ProposedOn || got.Criteria != "family-387" {
			t.Fatalf("got %+v %v", got, err)
		}
		if _, err := s.GetRecognition(ctx(), ids.New()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing: %v", err)
		}
	})
	t.Run("one proposal per kind, unit, name and year", func(t *testing.T) {
		twin := newRecognition(tr.a, "GIA ĐÌNH ÔNG ĐỖ VĂN AN", 2024) // the same name, typed otherwise
		if err := s.CreateRecognition(ctx(), twin); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second proposal of the same model and year: %v", err)
		}
		for _, ok := range []*learning.Recognition{
			newRecognition(tr.a, r.Name, 2025), // next year
			newRecognition(tr.b, r.Name, 2024), // another branch
		} {
			if err := s.CreateRecognition(ctx(), ok); err != nil {
				t.Fatalf("%s %d: %v", ok.UnitID, ok.Year, err)
			}
		}
		again := *r
		again.ID = r.ID
		if err := s.CreateRecognition(ctx(), &again); !errs.Is(err, errs.Conflict) {
			t.Fatalf("the same id twice: %v", err)
		}
	})
	t.Run("compare-and-swap, and a refused record frees its name", func(t *testing.T) {
		got, _ := s.GetRecognition(ctx(), r.ID)
		stale := *got
		got.Status, got.Version = learning.Assessed, 2
		got.Assessments = []learning.Assessment{{Criterion: "c1", Met: true, Note: "ghi chú"}}
		if err := s.UpdateRecognition(ctx(), got); err != nil {
			t.Fatal(err)
		}
		stale.Version = 2
		if err := s.UpdateRecognition(ctx(), &stale); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("a stale update: %v", err)
		}
		gone := newRecognition(tr.a, "Không có", 2024)
		gone.Version = 2
		if err := s.UpdateRecognition(ctx(), gone); !errs.Is(err, errs.NotFound) {
			t.Fatalf("an update of nothing: %v", err)
		}
		read, _ := s.GetRecognition(ctx(), r.ID)
		if read.Version != 2 || read.Status != learning.Assessed || len(read.Assessments) != 1 || read.Assessments[0].Note != "ghi chú" {
			t.Fatalf("after the update: %+v", read)
		}
		read.Status, read.Version = learning.Refused, 3
		read.Decision = &learning.Decision{ByUnit: tr.c12436.ID, Level: units.Commune, On: civil.Date{Year: 2024, Month: 5, Day: 2}, Reason: "thiếu"}
		if err := s.UpdateRecognition(ctx(), read); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateRecognition(ctx(), newRecognition(tr.a, r.Name, 2024)); err != nil {
			t.Fatalf("proposing again after a refusal: %v", err)
		}
	})
	t.Run("recognised at a unit, renewed once", func(t *testing.T) {
		ok := newRecognition(tr.c12436, "Gia đình bà Lê Thị Hoa", 2023)
		ok.Status = learning.Recognised
		ok.Decision = &learning.Decision{ByUnit: tr.c12436.ID, Level: units.Commune, On: civil.Date{Year: 2023, Month: 12, Day: 1}}
		if err := s.CreateRecognition(ctx(), ok); err != nil {
			t.Fatal(err)
		}
		got, err := s.RecognisedAt(ctx(), tr.c12436.ID)
		if err != nil || len(got) != 1 || got[0].ID != ok.ID {
			t.Fatalf("recognised at the commune: %v %v", got, err)
		}
		if got, _ := s.RecognisedAt(ctx(), tr.a.ID); len(got) != 0 {
			t.Fatalf("branch A has nothing recognised: %v", got)
		}
		if _, err := s.RenewalOf(ctx(), ok.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("no renewal yet: %v", err)
		}
		next, _ := learning.Renew(ok, ids.New(), civil.Date{Year: 2024, Month: 1, Day: 5})
		next.Version = 1
		if err := s.CreateRecognition(ctx(), next); err != nil {
			t.Fatal(err)
		}
		if got, err := s.RenewalOf(ctx(), ok.ID); err != nil || got.ID != next.ID {
			t.Fatalf("renewal: %v %v", got, err)
		}
		twice, _ := learning.Renew(ok, ids.New(), civil.Date{Year: 2024, Month: 1, Day: 6})
		twice.Name, twice.Version = "Gia đình bà Lê Thị Hoa (2)", 1
		if err := s.CreateRecognition(ctx(), twice); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second renewal: %v", err)
		}
	})
	t.Run("listing a subtree, newest year first, filtered, paged", func(t *testing.T) {
		var all []*learning.Recognition
		req := page.Request{Limit: 2}
		for {
			res, err := s.ListRecognitions(ctx(), tr.c12436.Path, learning.Filter{}, req)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, res.Items...)
			if res.Next == "" {
				break
			}
			req.Cursor = res.Next
		}
		var years []int
		for _, x := range all {
			years = append(years, x.Year)
		}
		// A 2024 (refused) and 2025, B 2024, A 2024 again, the commune's 2023 and its 2024 renewal.
		if !slices.Equal(years, []int{2025, 2024, 2024, 2024, 2024, 2023}) {
			t.Fatalf("years %v", years)
		}
		res, err := s.ListRecognitions(ctx(), tr.a.Path, learning.Filter{Year: 2024, Status: learning.Proposed}, page.Request{Limit: 10})
		if err != nil || len(res.Items) != 1 || res.Items[0].UnitID != tr.a.ID || res.Items[0].Status != learning.Proposed {
			t.Fatalf("A's proposals of 2024: %v %v", res.Items, err)
		}
		other, _ := s.ListRecognitions(ctx(), tr.p33.Path, learning.Filter{}, page.Request{Limit: 10})
		if len(other.Items) != 0 {
			t.Fatalf("another province sees %d records", len(other.Items))
		}
	})
}
