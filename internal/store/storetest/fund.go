package storetest

import (
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

func entry(u *units.Unit, date string, amount int64, dir fund.Direction, receipt string) *fund.Entry {
	return &fund.Entry{ID: ids.New(), UnitID: u.ID, Path: u.Path, Date: civil.MustParse(date), Amount: amount, Direction: dir,
		Party: "Công ty TNHH Minh Phát", Receipt: receipt}
}

func testFund(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	in1 := entry(tr.a, "2024-01-10", 5_000_000, fund.In, "PT-01")
	in2 := entry(tr.a, "2024-02-10", 3_000_000, fund.In, "PT-02")
	out1 := entry(tr.a, "2024-03-01", 1_000_000, fund.Out, "PC-01")
	inB := entry(tr.b, "2024-01-15", 2_000_000, fund.In, "PT-01") // the same number at another unit
	inC := entry(tr.c, "2024-01-15", 9_000_000, fund.In, "PT-01")
	for _, e := range []*fund.Entry{in2, in1, out1, inB, inC} {
		if err := s.AddEntry(ctx(), e); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("get keeps every field", func(t *testing.T) {
		got, err := s.GetEntry(ctx(), in1.ID)
		if err != nil || got.Amount != 5_000_000 || got.Date != in1.Date || got.Receipt != "PT-01" || got.Party != in1.Party || got.Path.Unit() != tr.a.ID {
			t.Fatalf("got %+v %v", got, err)
		}
		if _, err := s.GetEntry(ctx(), ids.New()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing: %v", err)
		}
	})
	t.Run("a receipt number once per unit, year and direction", func(t *testing.T) {
		if err := s.AddEntry(ctx(), entry(tr.a, "2024-06-01", 1, fund.In, "PT-01")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("PT-01 again in 2024: %v", err)
		}
		for _, ok := range []*fund.Entry{entry(tr.a, "2025-01-02", 1, fund.In, "PT-01"), entry(tr.a, "2024-06-01", 1, fund.Out, "PT-01")} {
			if err := s.AddEntry(ctx(), ok); err != nil {
				t.Fatalf("%s %s: %v", ok.Date, ok.Direction, err)
			}
		}
	})
	t.Run("an entry is reversed once", func(t *testing.T) {
		rev := entry(tr.a, "2024-02-20", 3_000_000, fund.In, "")
		rev.Reverses, rev.Note = in2.ID, "nhập nhầm"
		if err := s.AddEntry(ctx(), rev); err != nil {
			t.Fatal(err)
		}
		again := entry(tr.a, "2024-02-21", 3_000_000, fund.In, "")
		again.Reverses, again.Note = in2.ID, "nhập nhầm"
		if err := s.AddEntry(ctx(), again); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second reversal: %v", err)
		}
	})
	t.Run("a unit's ledger to a day, by date", func(t *testing.T) {
		got, err := s.EntriesAt(ctx(), tr.a.ID, civil.MustParse("2024-02-20"))
		if err != nil || len(got) != 3 || got[0].ID != in1.ID || got[1].ID != in2.ID || got[2].Reverses != in2.ID {
			t.Fatalf("A to 2024-02-20: %v %v", got, err)
		}
		all, _ := s.EntriesAt(ctx(), tr.a.ID, civil.Date{})
		if len(all) != 6 {
			t.Fatalf("A's whole ledger: %d entries", len(all))
		}
		bal, err := fund.BalanceOf(tr.a.ID, got, civil.MustParse("2024-02-20"))
		if err != nil || bal != 5_000_000 {
			t.Fatalf("balance %d %v", bal, err)
		}
	})
	t.Run("a subtree's entries between two days, paged", func(t *testing.T) {
		var ids []string
		req := page.Request{Limit: 2}
		for {
			res, err := s.ListEntries(ctx(), tr.c12436.Path, civil.MustParse("2024-01-15"), civil.MustParse("2024-03-01"), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Items {
				ids = append(ids, e.ID)
			}
			if res.Next == "" {
				break
			}
			req.Cursor = res.Next
		}
		// inB (01-15), in2 (02-10), the reversal (02-20), out1 (03-01): not in1 (01-10), not C's.
		if len(ids) != 4 || ids[0] != inB.ID || ids[1] != in2.ID || ids[3] != out1.ID {
			t.Fatalf("entries %v", ids)
		}
		res, _ := s.ListEntries(ctx(), tr.p33.Path, civil.Date{}, civil.Date{}, page.Request{Limit: 10})
		if len(res.Items) != 1 || res.Items[0].ID != inC.ID {
			t.Fatalf("province 33: %v", res.Items)
		}
	})
}

func testAwards(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	pay := entry(tr.a, "2024-05-30", 500_000, fund.Out, "PC-01")
	award := func(date string, amount int64, fundEntry, name string) *scholarships.Award {
		return &scholarships.Award{ID: ids.New(), UnitID: tr.a.ID, Path: tr.a.Path, Date: civil.MustParse(date),
			Student: scholarships.Student{Name: name, School: "Trường THCS Đông Hưng", Level: scholarships.LowerSecondary},
			Amount:  amount, FundEntry: fundEntry}
	}
	paid := award("2024-05-30", 500_000, pay.ID, "Nguyễn Văn Minh")
	kind := award("2024-06-01", 0, "", "Trần Thị Mai")
	kind.InKind = "một xe đạp"
	kind2 := award("2024-06-02", 0, "", "Lê Văn Tú")
	kind2.InKind = "20 quyển vở"
	for _, a := range []*scholarships.Award{paid, kind, kind2} {
		if err := s.CreateAward(ctx(), a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateAward(ctx(), award("2024-05-30", 500_000, pay.ID, "Phạm Văn Hùng")); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a second award on the same payment: %v", err)
	}
	got, err := s.GetAward(ctx(), paid.ID)
	if err != nil || got.Student != paid.Student || got.Amount != 500_000 || got.FundEntry != pay.ID || got.Path.Unit() != tr.a.ID {
		t.Fatalf("got %+v %v", got, err)
	}
	if _, err := s.GetAward(ctx(), ids.New()); !errs.Is(err, errs.NotFound) {
		t.Fatalf("missing: %v", err)
	}
	at, err := s.AwardsAt(ctx(), tr.a.ID, civil.MustParse("2024-06-01"))
	if err != nil || len(at) != 2 || at[0].ID != paid.ID || at[1].ID != kind.ID {
		t.Fatalf("A's awards to 06-01: %v %v", at, err)
	}
	res, err := s.ListAwards(ctx(), tr.p34.Path, civil.MustParse("2024-06-01"), civil.Date{}, page.Request{Limit: 1})
	if err != nil || len(res.Items) != 1 || res.Items[0].ID != kind.ID || res.Next == "" {
		t.Fatalf("first page: %v %q %v", res.Items, res.Next, err)
	}
	res, err = s.ListAwards(ctx(), tr.p34.Path, civil.MustParse("2024-06-01"), civil.Date{}, page.Request{Limit: 1, Cursor: res.Next})
	if err != nil || len(res.Items) != 1 || res.Items[0].ID != kind2.ID || res.Next != "" {
		t.Fatalf("second page: %v %q %v", res.Items, res.Next, err)
	}
	if res, _ := s.ListAwards(ctx(), tr.p33.Path, civil.Date{}, civil.Date{}, page.Request{Limit: 5}); len(res.Items) != 0 {
		t.Fatalf("province 33 sees %v", res.Items)
	}
}
