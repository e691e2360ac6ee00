package servicetest_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/servicetest"
)

// recordCalls are issue 20's service methods for the scope table: each
// acts at the target's branch (records) or unit (ledgers, figures).
func recordCalls(t *testing.T, s *servicetest.Services) []call {
	ctx := context.Background()
	sys := servicetest.Sys
	R := s.Records
	today := civil.Today(s.Now())
	n := 0
	name := func() string { n++; return fmt.Sprintf("Gia đình số %d", n) }
	// proposed is a new proposal at the target's branch, made by the system.
	proposed := func(t *testing.T, tg target) *learning.Recognition {
		r, err := R.Propose(ctx, sys, tg.branch.ID, records.Proposal{Kind: "family", Name: name(), Year: today.Year})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	attach := func(t *testing.T, r *learning.Recognition, criterion string) *learning.Recognition {
		r, _, err := R.AttachEvidence(ctx, sys, r.ID, records.Upload{Criterion: criterion, Name: "a.pdf", Body: bytes.NewReader(servicetest.PDFBytes(r.ID + criterion))}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// recognised is a model recognised by the target's commune.
	recognised := func(t *testing.T, tg target) *learning.Recognition {
		r := proposed(t, tg)
		for _, cr := range servicetest.FamilyEvidence {
			r = attach(t, r, cr)
		}
		if _, err := R.Assess(ctx, sys, r.ID, servicetest.FamilyMet, 0); err != nil {
			t.Fatal(err)
		}
		r, err := R.Recognise(ctx, sys, r.ID, records.Decision{ByUnit: tg.branch.ParentID, On: today}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	contribution := func(t *testing.T, tg target) *fund.Entry {
		e, err := R.AddEntry(ctx, sys, tg.unit.ID, records.EntryInput{Date: today, Amount: 100_000, Direction: fund.In, Party: "Hội viên", Receipt: name()})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	return []call{
		{"records.Propose", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Propose(ctx, c, tg.branch.ID, records.Proposal{Kind: "family", Name: name(), Year: today.Year})
			return err
		}},
		{"records.Get", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Get(ctx, c, proposed(t, tg).ID)
			return err
		}},
		{"records.List", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.List(ctx, c, tg.unit.ID, learning.Filter{}, page.Request{Limit: 5})
			return err
		}},
		{"records.AttachEvidence", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, _, err := R.AttachEvidence(ctx, c, proposed(t, tg).ID, records.Upload{Criterion: "f5-culture", Name: "a.pdf", Body: bytes.NewReader(servicetest.PDFBytes(name()))}, 0)
			return err
		}},
		{"records.Assess", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Assess(ctx, c, proposed(t, tg).ID, servicetest.FamilyMet, 0)
			return err
		}},
		{"records.Recognise", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Recognise(ctx, c, proposed(t, tg).ID, records.Decision{ByUnit: tg.unit.ID}, 0)
			return err
		}},
		{"records.Refuse", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Refuse(ctx, c, proposed(t, tg).ID, records.Decision{ByUnit: tg.branch.ParentID, Reason: "Chưa đạt"}, 0)
			return err
		}},
		{"records.Renew", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Renew(ctx, c, recognised(t, tg).ID, civil.Date{})
			return err
		}},
		{"records.OpenEvidence", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			r := attach(t, proposed(t, tg), "f2-children-in-school")
			_, _, rc, err := R.OpenEvidence(ctx, c, r.Evidence[0].File)
			if rc != nil {
				rc.Close()
			}
			return err
		}},
		{"records.AddEntry", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.AddEntry(ctx, c, tg.unit.ID, records.EntryInput{Date: today, Amount: 5_000, Direction: fund.In, Party: "Hội viên", Receipt: name()})
			return err
		}},
		{"records.Reverse", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Reverse(ctx, c, contribution(t, tg).ID, records.Reversal{Note: "Nhập nhầm"})
			return err
		}},
		{"records.GetEntry", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.GetEntry(ctx, c, contribution(t, tg).ID)
			return err
		}},
		{"records.ListEntries", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.ListEntries(ctx, c, tg.unit.ID, civil.Date{}, civil.Date{}, page.Request{Limit: 5})
			return err
		}},
		{"records.Balance", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.Balance(ctx, c, tg.unit.ID, civil.Date{})
			return err
		}},
		{"records.CreateAward", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.CreateAward(ctx, c, tg.unit.ID, records.AwardInput{Date: today, InKind: "20 quyển vở",
				Student: scholarships.Student{Name: "Lê Văn Tú", School: "Trường Tiểu học", Level: scholarships.Primary}})
			return err
		}},
		{"records.ListAwards", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := R.ListAwards(ctx, c, tg.unit.ID, civil.Date{}, civil.Date{}, page.Request{Limit: 5})
			return err
		}},
	}
}
